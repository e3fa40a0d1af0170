using Rnn.Contracts.Messages;

namespace Rnn.Silo.Grains;

/// <summary>A job grain's persisted state: the job file and its run, its progress and how it ended.</summary>
[GenerateSerializer]
[Alias("Rnn.JobRecord")]
public sealed class JobRecord
{
    [Id(0)] public string JobJson { get; set; } = "";

    [Id(1)] public string RunId { get; set; } = "";

    [Id(2)] public JobState State { get; set; } = JobState.Queued;

    [Id(3)] public long Step { get; set; }

    [Id(4)] public long TotalSteps { get; set; }

    [Id(5)] public StepMetrics? LastMetrics { get; set; }

    [Id(6)] public string? FailureReason { get; set; }

    [Id(7)] public string? ParametersSha256 { get; set; }

    [Id(8)] public int SkippedSteps { get; set; }

    [Id(9)] public bool CancelRequested { get; set; }

    public bool IsActive => State is JobState.Queued or JobState.Running;
}
