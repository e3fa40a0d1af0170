using System.Globalization;

namespace Rnn.Training.Jobs;

/// <summary>The <c>training</c> section. Exactly one of <see cref="Epochs"/> and <see cref="Steps"/> is set.</summary>
public sealed record TrainingSpec
{
    public const int DefaultShards = 1;

    /// <summary>More shards than this would mean micro-batches of a sample or less on any sensible batch.</summary>
    public const int MaxShards = 1024;
    public const int DefaultCheckpointEvery = 50;

    public int? Epochs { get; init; }

    public int? Steps { get; init; }

    /// <summary>The global batch: the sum over shards; each shard computes BatchSize / Shards samples.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Data shards (part of the job, not the cluster); divides <see cref="BatchSize"/>.</summary>
    public int Shards { get; init; } = DefaultShards;

    /// <summary>"sync", "async" or "ssp:K"; see <see cref="TrainingModes"/>.</summary>
    public string Mode { get; init; } = TrainingModes.Sync;

    /// <summary>Optimizer steps between consistent checkpoints (also the most a failure can roll back).</summary>
    public int CheckpointEvery { get; init; } = DefaultCheckpointEvery;

    /// <summary>One of <see cref="NanPolicies"/>.</summary>
    public string NanPolicy { get; init; } = NanPolicies.SkipStep;

    /// <summary>Evaluate on the test split every N steps; null = at the end of each epoch and of the run.</summary>
    public int? EvalEvery { get; init; }

    /// <summary>The K of "ssp:K"; null for sync and async.</summary>
    public int? StalenessBound =>
        Mode.StartsWith(TrainingModes.SspPrefix, StringComparison.Ordinal)
            ? int.Parse(Mode.AsSpan(TrainingModes.SspPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture)
            : null;
}
