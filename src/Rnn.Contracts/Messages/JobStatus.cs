using Rnn.Training.Steps;
namespace Rnn.Contracts.Messages;

/// <summary>
/// A snapshot of a job: its state, steps done out of the total, the last step's metrics, why it failed, and, once
/// completed, the SHA-256 of its float32 parameters (tensors in name order), equal to the single-process trainer's,
/// and the summary.
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
    /// <summary>The job's run folder ({RunsRoot}/{job name}): checkpoint/, job.json, metrics.csv, model.safetensors, summary.json.</summary>
    [Id(8)] public string? JobFolder { get; init; }

    /// <summary>summary.json's values once the job completed.</summary>
    [Id(9)] public JobSummary? Summary { get; init; }

    /// <summary>The latest test-split evaluation.</summary>
    [Id(10)] public EvaluationMetrics? LastEvaluation { get; init; }

    /// <summary>How many times the job rolled back to its last checkpoint after a fault.</summary>
    [Id(11)] public int Rollbacks { get; init; }

    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
