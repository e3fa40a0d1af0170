namespace Rnn.Contracts.Messages;

/// <summary>
/// A snapshot of a job: its state, steps done out of the total, the last step's metrics, why it failed, and, once
/// completed, the SHA-256 of its float32 parameters (tensors in name order), equal to the single-process trainer's.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.JobStatus")]
public sealed record JobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobState State,
    [property: Id(2)] long Step,
    [property: Id(3)] long TotalSteps,
    [property: Id(4)] StepMetrics? LastMetrics,
    [property: Id(5)] string? FailureReason,
    [property: Id(6)] string? ParametersSha256,
    [property: Id(7)] int SkippedSteps)
{
    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
