namespace Rnn.Training.Jobs;

/// <summary>The gradient-aggregation modes a job file may use in <c>training.mode</c>: synchronous only.</summary>
public static class TrainingModes
{
    /// <summary>Every step waits for all shards; deterministic.</summary>
    public const string Sync = "sync";

    /// <summary>How the modes are written, for error messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Sync];
}
