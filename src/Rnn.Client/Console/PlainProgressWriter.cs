using Rnn.Client.Progress;

namespace Rnn.Client.Console;

/// <summary>
/// Plain text lines for logs and redirected output: a line every N steps (and for the first and last step, epoch
/// ends and skipped steps), never an ANSI escape code.
/// </summary>
internal sealed class PlainProgressWriter(TextWriter output, int? logEvery) : TrainingProgress
{
    // With no --log-every, about this many step lines per run, whatever its length.
    private const int AutoLinesPerRun = 50;

    private TrainingRunInfo? _info;
    private long _every = 1;

    public override void Started(TrainingRunInfo info)
    {
        _info = info;
        _every = logEvery ?? Math.Max(1, (info.TotalSteps + AutoLinesPerRun - 1) / AutoLinesPerRun);
        var resumed = info.StartStep > 0 ? $", resuming after step {DisplayFormat.Integer(info.StartStep)}" : "";
        output.WriteLine($"train {info.JobName}: {DisplayFormat.Length(info)}{resumed}, {info.ClusterText}, output {info.OutputDirectory}");
    }

    public override void StepDone(TrainingStepReport step, ProgressSnapshot snapshot)
    {
        var info = _info ?? throw new InvalidOperationException("StepDone before Started");
        var due = step.Step == info.StartStep + 1 || step.Step % _every == 0 || step.Step == info.TotalSteps ||
            (info.EpochsKnown && step.Step % info.StepsPerEpoch == 0) || step.Skipped;
        if (!due) return;

        var head = $"step {DisplayFormat.Integer(step.Step)}/{DisplayFormat.Integer(info.TotalSteps)}  {info.EpochText(step.Epoch)}";
        if (step.Skipped)
        {
            output.WriteLine($"{head}  skipped: {step.SkipReason}");
            return;
        }

        var line = head;
        if (snapshot.EpochLoss is { } loss) line += $"  loss {DisplayFormat.Number(loss)}";
        if (snapshot.EpochAccuracy is { } accuracy) line += $"  acc {DisplayFormat.Number(accuracy)}";
        line += $"  lr {DisplayFormat.LearningRate(step.LearningRate)}  {DisplayFormat.Rate(snapshot.SamplesPerSecond)} samples/s";
        if (snapshot.Remaining is { } remaining) line += $"  eta {DisplayFormat.Duration(remaining)}";
        output.WriteLine(line);
    }

    public override void Evaluated(EvaluationReport evaluation) =>
        output.WriteLine($"eval after step {DisplayFormat.Integer(evaluation.Step)}: {DisplayFormat.Metrics(evaluation)}");

    public override void Finished(TrainingOutcome outcome)
    {
        output.WriteLine(DisplayFormat.Summary(outcome));
        if (outcome.ParametersSha256 is { } hash) output.WriteLine(DisplayFormat.Hash(hash));
        if (outcome.Files.Count > 0) output.WriteLine(DisplayFormat.Written(outcome));
    }

    public override void Note(string message) => output.WriteLine(message);
}
