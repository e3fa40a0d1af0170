namespace Rnn.Training.Jobs;

/// <summary>The gradient-aggregation modes a job file may use in <c>training.mode</c>.</summary>
public static class TrainingModes
{
    /// <summary>Every step waits for all shards; deterministic.</summary>
    public const string Sync = "sync";

    /// <summary>Each shard's gradient is applied as it arrives; not deterministic.</summary>
    public const string Async = "async";

    /// <summary>Prefix of the stale-synchronous mode <c>ssp:K</c> (a shard may run at most K steps ahead).</summary>
    public const string SspPrefix = "ssp:";

    /// <summary>How the modes are written, for error messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Sync, Async, SspPrefix + "K"];
}
