using Rnn.Client.Training;

namespace Rnn.Client.Tests.Support;

/// <summary>
/// A training run whose steps are made up (loss 1/step, accuracy rising), so the command's loop, displays and error
/// handling can be tested without data or compute.
/// </summary>
internal sealed class ScriptedTrainingRun(long totalSteps, int stepsPerEpoch) : ITrainingRun
{
    public long Step { get; private set; }

    public long TotalSteps { get; } = totalSteps;

    public int StepsPerEpoch { get; } = stepsPerEpoch;

    public bool IsEpochEnd => Step > 0 && Step % StepsPerEpoch == 0;

    /// <summary>Steps (1-based) whose update is reported as skipped.</summary>
    public HashSet<long> SkippedSteps { get; } = [];

    /// <summary>Thrown by the step with this number (1-based), if set.</summary>
    public (long Step, Exception Exception)? Failure { get; set; }

    /// <summary>Cancelled after the step with this number, to stand in for Ctrl+C.</summary>
    public (long Step, CancellationTokenSource Source)? CancelAfter { get; set; }

    public List<long> EvaluatedAt { get; } = [];

    public bool Disposed { get; private set; }

    public TrainingStepReport RunStep()
    {
        var step = Step + 1;
        if (Failure is { } failure && failure.Step == step) throw failure.Exception;
        Step = step;
        if (CancelAfter is { } cancel && cancel.Step == step) cancel.Source.Cancel();
        var epoch = (int)((step - 1) / StepsPerEpoch) + 1;
        return SkippedSteps.Contains(step)
            ? new TrainingStepReport(step, epoch, double.NaN, null, double.NaN, 0.01, 0.001, 32, "the gradient is not finite")
            : new TrainingStepReport(step, epoch, 1.0 / step, Math.Min(1, 0.1 * step), 0.5, 0.01, 0.001, 32, null);
    }

    public EvaluationReport Evaluate()
    {
        EvaluatedAt.Add(Step);
        return new EvaluationReport(Step, new Dictionary<string, double> { ["loss"] = 1.0 / (Step + 1), ["accuracy"] = 0.5 });
    }

    public IReadOnlyList<string> WriteOutputs(TrainingOutcome outcome)
    {
        Directory.CreateDirectory(outcome.OutputDirectory);
        var file = Path.Combine(outcome.OutputDirectory, "summary.txt");
        File.WriteAllText(file, $"{outcome.Steps}/{outcome.TotalSteps}");
        return [file];
    }

    public void Dispose() => Disposed = true;
}
