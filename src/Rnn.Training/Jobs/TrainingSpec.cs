namespace Rnn.Training.Jobs;

/// <summary>The <c>training</c> section. Exactly one of <see cref="Epochs"/> and <see cref="Steps"/> is set.</summary>
[GenerateSerializer]
[Alias("Rnn.TrainingSpec")]
[Immutable]
public sealed record TrainingSpec
{
    public const int DefaultShards = 1;

    /// <summary>More shards than this would mean micro-batches of a sample or less on any sensible batch.</summary>
    public const int MaxShards = 1024;
    public const int DefaultCheckpointEvery = 50;

    [Id(0)] public int? Epochs { get; init; }

    [Id(1)] public int? Steps { get; init; }

    /// <summary>The global batch: the sum over shards; each shard computes BatchSize / Shards samples.</summary>
    [Id(2)] public required int BatchSize { get; init; }

    /// <summary>Data shards (part of the job, not the cluster); divides <see cref="BatchSize"/>.</summary>
    [Id(3)] public int Shards { get; init; } = DefaultShards;

    /// <summary>Always "sync" (the parser refuses anything else); see <see cref="TrainingModes"/>.</summary>
    [Id(4)] public string Mode { get; init; } = TrainingModes.Sync;

    /// <summary>Optimizer steps between consistent checkpoints (also the most a failure can roll back).</summary>
    [Id(5)] public int CheckpointEvery { get; init; } = DefaultCheckpointEvery;

    /// <summary>One of <see cref="NanPolicies"/>.</summary>
    [Id(6)] public string NanPolicy { get; init; } = NanPolicies.SkipStep;

    /// <summary>Evaluate on the test split every N steps; null = at the end of each epoch and of the run.</summary>
    [Id(7)] public int? EvalEvery { get; init; }

    /// <summary>training.early_stopping; null (the default) trains every step. Null is left out of the canonical form.</summary>
    [Id(8)] public EarlyStoppingSpec? EarlyStopping { get; init; }
}
