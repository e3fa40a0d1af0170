using Rnn.Training.Jobs;
using Rnn.Training.Steps;
using Rnn.Contracts.Messages;

namespace Rnn.Silo.Records;

/// <summary>
/// A job grain's persisted state (memory storage): the resolved job and its run, its progress and how it ended. It may be
/// lost with a silo; the job folder on disk is the durable truth it is rebuilt from.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.JobRecord")]
public sealed class JobRecord
{
    /// <summary>The job being run; null for a record rebuilt from a finished run's folder.</summary>
    [Id(0)] public ResolvedJob? Job { get; set; }

    [Id(1)] public string RunId { get; set; } = "";

    [Id(2)] public JobState State { get; set; } = JobState.Queued;

    [Id(3)] public long Step { get; set; }

    [Id(4)] public long TotalSteps { get; set; }

    [Id(5)] public StepMetrics? LastMetrics { get; set; }

    [Id(6)] public string? FailureReason { get; set; }

    [Id(7)] public string? ParametersSha256 { get; set; }

    [Id(8)] public int SkippedSteps { get; set; }

    [Id(9)] public bool CancelRequested { get; set; }

    /// <summary>The job's run folder (absolute path).</summary>
    [Id(10)] public string JobFolder { get; set; } = "";

    /// <summary>The generation of the driver that last ran the job (also in run.json, which is authoritative).</summary>
    [Id(11)] public long Generation { get; set; }

    [Id(12)] public int Rollbacks { get; set; }

    [Id(13)] public JobSummary? Summary { get; set; }

    [Id(14)] public EvaluationMetrics? LastEvaluation { get; set; }

    public bool IsActive => State is JobState.Queued or JobState.Running;
}
