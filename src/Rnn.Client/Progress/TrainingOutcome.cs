namespace Rnn.Client.Progress;

/// <summary>How a training run ended: what the final summary line and the --json summary object report.</summary>
/// <param name="Seconds">Wall time of the whole run, evaluations included.</param>
/// <param name="TrainingSeconds">Wall time in training steps only: what samples/s is measured over.</param>
/// <param name="LastLoss">Loss of the last step whose update was applied; null when none was.</param>
/// <param name="LastEvaluation">The latest test-split metrics; null when the run never evaluated.</param>
/// <param name="Interrupted">Stopped early by Ctrl+C; the outputs hold the parameters at <paramref name="Steps"/>.</param>
/// <param name="ParametersSha256">SHA-256 of the final float32 parameters in name order; null unless the job completed.</param>
/// <param name="Files">Full paths of the files written; empty until they are.</param>
internal sealed record TrainingOutcome(
    string JobName, long Steps, long TotalSteps, double Seconds, double TrainingSeconds, long SamplesSeen, double? LastLoss, long SkippedSteps,
    EvaluationReport? LastEvaluation, bool Interrupted, string? ParametersSha256, string OutputDirectory,
    IReadOnlyList<string> Files)
{
    /// <summary>Training throughput (evaluations excluded).</summary>
    public double SamplesPerSecond => TrainingSeconds > 0 ? SamplesSeen / TrainingSeconds : 0;
}
