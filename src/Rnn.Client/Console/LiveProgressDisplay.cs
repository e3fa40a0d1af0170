using Spectre.Console;
using Rnn.Client.Progress;

namespace Rnn.Client.Console;

/// <summary>
/// The terminal display: a Spectre.Console progress bar redrawn in place, with step/total, epoch, running loss and
/// accuracy, samples/s and ETA; evaluations print above it as they come. Used only when stdout is a terminal.
/// </summary>
internal sealed class LiveProgressDisplay(IAnsiConsole console) : TrainingProgress
{
    private TrainingRunInfo? _info;
    private ProgressTask? _task;

    public override void Started(TrainingRunInfo info)
    {
        _info = info;
        console.MarkupLine($"[bold]train {Markup.Escape(info.JobName)}[/]: {Markup.Escape(DisplayFormat.Length(info))}, " +
            $"{info.ClusterText}, output {Markup.Escape(info.OutputDirectory)}");
    }

    public override Task<T> ShowAsync<T>(Func<Task<T>> work)
    {
        var info = _info ?? throw new InvalidOperationException("Show before Started");
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new ProgressBarColumn(), new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
            .StartAsync(async context =>
            {
                _task = context.AddTask(Markup.Escape(StepText(info.StartStep)), maxValue: info.TotalSteps);
                _task.Value = info.StartStep;
                return await work().ConfigureAwait(false);
            });
    }

    public override void StepDone(TrainingStepReport step, ProgressSnapshot snapshot)
    {
        if (_task is null) return;
        var text = $"{StepText(step.Step)}  {_info!.EpochText(step.Epoch)}";
        if (step.Skipped) text += "  (step skipped)";
        if (snapshot.EpochLoss is { } loss) text += $"  loss {DisplayFormat.Number(loss)}";
        if (snapshot.EpochAccuracy is { } accuracy) text += $"  acc {DisplayFormat.Number(accuracy)}";
        text += $"  {DisplayFormat.Rate(snapshot.SamplesPerSecond)} samples/s";
        if (snapshot.Remaining is { } remaining) text += $"  ETA {DisplayFormat.Duration(remaining)}";
        _task.Description = Markup.Escape(text);
        _task.Value = step.Step;
    }

    public override void Evaluated(EvaluationReport evaluation) =>
        console.MarkupLine($"[green]eval[/] after step {DisplayFormat.Integer(evaluation.Step)}: {Markup.Escape(DisplayFormat.Metrics(evaluation))}");

    public override void Finished(TrainingOutcome outcome)
    {
        var color = outcome.Interrupted ? "yellow" : "green";
        console.MarkupLine($"[{color}]{Markup.Escape(DisplayFormat.Summary(outcome))}[/]");
        if (outcome.ParametersSha256 is { } hash) console.MarkupLine(Markup.Escape(DisplayFormat.Hash(hash)));
        if (outcome.Files.Count > 0) console.MarkupLine(Markup.Escape(DisplayFormat.Written(outcome)));
    }

    public override void Note(string message) => console.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");

    private string StepText(long step) => $"step {DisplayFormat.Integer(step)}/{DisplayFormat.Integer(_info!.TotalSteps)}";
}
