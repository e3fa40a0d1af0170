namespace Rnn.Training.Jobs;

/// <summary>
/// What a sequence kind's job needs to know about the whole data set, computed once at resolution so that each shard
/// can read only its own partition (and the job grain's silo only the held-out splits): the source's sample count
/// (the split and the partitions are pure functions of it, the job's seed, fractions and shard count), the padded
/// length, the classes fitted on the training split, the character vocabulary, and the normalisers' statistics
/// fitted on the training split. Null on a <see cref="ResolvedJob"/> of the fixed kinds (mnist-rows, text, csv).
/// </summary>
[GenerateSerializer]
[Alias("Rnn.ResolvedData")]
[Immutable]
public sealed record ResolvedData
{
    /// <summary>
    /// Sequences in data.path (before the split and data.limit; windows of a wide series): the split and the partitions
    /// are computed from it; a NumPy file that now has another count changed.
    /// </summary>
    [Id(0)] public required int SourceItems { get; init; }

    /// <summary>T: the padded length of every batch.</summary>
    [Id(1)] public required int Steps { get; init; }

    /// <summary>True when sequences have lengths of their own (padding after them is never read).</summary>
    [Id(2)] public required bool VariableLength { get; init; }

    /// <summary>Classes of a class target (0 for values).</summary>
    [Id(3)] public required int Classes { get; init; }

    [Id(4)] public int ValidationItems { get; init; }

    [Id(5)] public int TestItems { get; init; }

    /// <summary>Class names in index order when the targets were strings; null for integer classes and values.</summary>
    [Id(6)] public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The text_column kind's character vocabulary (its code points, ascending).</summary>
    [Id(7)] public IReadOnlyList<int>? VocabularyCodePoints { get; init; }

    /// <summary>"normalize": "standard": the features' mean and std per column, fitted on the training split.</summary>
    [Id(8)] public IReadOnlyList<double>? FeatureMean { get; init; }

    [Id(9)] public IReadOnlyList<double>? FeatureStd { get; init; }

    /// <summary>The regression targets' mean and std per column (value targets under "normalize").</summary>
    [Id(10)] public IReadOnlyList<double>? TargetMean { get; init; }

    [Id(11)] public IReadOnlyList<double>? TargetStd { get; init; }

    /// <summary>
    /// The table kinds' data.path as resolved: a shard reads only its own rows, so a file whose length or SHA-256
    /// differs now fails the read. Null for NumPy (whose reads check the arrays' shapes), so NumPy jobs hash as before.
    /// </summary>
    [Id(12)] public DataFileStamp? DataFile { get; init; }

    /// <summary>A long table's validation_path as resolved (null without one).</summary>
    [Id(13)] public DataFileStamp? ValidationFile { get; init; }

    /// <summary>A long table's test_path as resolved (null without one).</summary>
    [Id(14)] public DataFileStamp? TestFile { get; init; }
}
