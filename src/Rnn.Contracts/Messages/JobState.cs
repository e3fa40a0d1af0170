namespace Rnn.Contracts.Messages;

/// <summary>Where a job is in its life: queued (accepted, not started), running, or one of the three ends.</summary>
[GenerateSerializer]
[Alias("Rnn.JobState")]
public enum JobState
{
    Queued = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
    Cancelled = 4,
}
