using Rnn.Training.Data.Numpy;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Jobs;

namespace Rnn.Training.Data.Loading;

/// <summary>
/// The sequence kinds' data read part by part, so that shards own their data: the facts about the whole data set
/// (<see cref="ResolvedData"/>: counts, padded length, classes, vocabulary, normaliser statistics) are computed once
/// at resolution, and afterwards shard k reads only partition k of the training split (<see cref="ShardPartitioner"/>:
/// from the seed, the shard count and k) and the evaluating silo only the validation and test splits, each
/// normalised with the resolved statistics. The split, the limit and the partitions are pure functions of the
/// source's sample count and the job, so any silo computes the same positions without reading anything else.
/// NumPy data is read truly in part: resolution streams over the arrays a chunk at a time (holding one chunk), and
/// a partition reads only its own rows of a memory-mapped .npy (an .npz member is decompressed into memory while it
/// is read). The table kinds (table, series, text_column) stream their file a block of rows at a time and keep only
/// the part's rows (a wide series: its columns as numbers, then only the part's windows): <see cref="TablePartitionReader"/>.
/// Everything read is checked against the resolved facts (NumPy: the arrays' shapes; tables: each file's length and
/// SHA-256, <see cref="DataFileStamp"/>): a file changed after submission fails the job.
/// </summary>
public static class OwnedSequenceLoader
{
    /// <summary>Samples per chunk while resolution streams over a NumPy file.</summary>
    private const int ChunkSize = 4096;

    /// <summary>The job's shape and the facts every part is read with; reads the whole data set once (streaming for NumPy).</summary>
    public static (DataShape Shape, ResolvedData Facts) Resolve(DataSpec data, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Kind == DataKinds.Numpy) return ResolveNumpy(data, seed);
        var loaded = SequenceDataLoader.Load(data, seed);
        var splits = loaded.Data!;
        var train = splits.Train;
        var shape = new DataShape(loaded.InputSize, loaded.TokenInput, train.Count, loaded.Classes,
            train.TargetKind.IsClass() ? 0 : train.TargetWidth);
        return (shape, FactsOf(loaded, loaded.SourceItems) with
        {
            DataFile = DataFileStamp.Of(data.Path),
            ValidationFile = DataFileStamp.Of(data.ValidationPath),
            TestFile = DataFileStamp.Of(data.TestPath),
        });
    }

    /// <summary>The facts without the sequences: what a setup saves with the model and pads batches to.</summary>
    public static LoadedSequences Facts(ResolvedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var facts = job.DataFacts ?? throw new ArgumentException($"job '{job.Name}' is not a sequence kind's job", nameof(job));
        return new LoadedSequences(null, facts.Steps, job.InputSize, job.TokenInput, facts.VariableLength, facts.Classes,
            facts.VocabularyCodePoints is { } codePoints ? CharVocabulary.FromCodePoints(codePoints) : null,
            Normalizer(facts.FeatureMean, facts.FeatureStd), Normalizer(facts.TargetMean, facts.TargetStd), facts.ClassNames);
    }

    /// <summary>Shard <paramref name="shard"/>'s partition of the training split, normalised; nothing else is kept.</summary>
    public static SequenceDataset ReadPartition(ResolvedJob job, int shard)
    {
        ArgumentNullException.ThrowIfNull(job);
        var data = job.Spec.Data;
        var facts = Require(job);
        if (data.Kind == DataKinds.Numpy)
        {
            using var reader = OpenChecked(data, data.Path, job, facts);
            var train = SourceSplits(data, job.Spec.Seed, facts.SourceItems).Train;
            var partition = ShardPartitioner.Partition(train, job.Shards, shard, job.Spec.Seed, data.Path);
            return Normalized(reader.Read(partition.Positions), facts);
        }
        return TablePartitionReader.ReadPartition(job, facts, shard);
    }

    /// <summary>The whole training split (tools and tests; training itself reads partitions).</summary>
    public static SequenceDataset ReadTraining(ResolvedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var data = job.Spec.Data;
        var facts = Require(job);
        if (data.Kind != DataKinds.Numpy) return TablePartitionReader.ReadTraining(job, facts);
        using var reader = OpenChecked(data, data.Path, job, facts);
        return Normalized(reader.Read(SourceSplits(data, job.Spec.Seed, facts.SourceItems).Train), facts);
    }

    /// <summary>The validation and test splits (null where the job has none), normalised: what evaluation reads.</summary>
    public static (SequenceDataset? Validation, SequenceDataset? Test) ReadHeldOut(ResolvedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var data = job.Spec.Data;
        var facts = Require(job);
        if (data.Kind != DataKinds.Numpy) return TablePartitionReader.ReadHeldOut(job, facts);
        var plan = SourceSplits(data, job.Spec.Seed, facts.SourceItems);
        SequenceDataset? Part(string? separate, int[] fromSource)
        {
            if (separate is not null)
            {
                using var own = OpenChecked(data, separate, job, facts, whole: true);
                return Normalized(own.ReadAll(), facts);
            }
            if (fromSource.Length == 0) return null;
            using var reader = OpenChecked(data, data.Path, job, facts);
            return Normalized(reader.Read(fromSource), facts);
        }
        return (Part(data.ValidationPath, plan.Validation), Part(data.TestPath, plan.Test));
    }

    private static ResolvedData Require(ResolvedJob job) => job.DataFacts ?? throw Unresolved(job);

    internal static InvalidDataException Unresolved(ResolvedJob job) =>
        new($"job '{job.Name}' was resolved without its data facts; submit the job again");

    internal static FeatureNormalizer? Normalizer(IReadOnlyList<double>? mean, IReadOnlyList<double>? std) =>
        mean is not null && std is not null ? FeatureNormalizer.FromStatistics(mean, std) : null;

    private static ResolvedData FactsOf(LoadedSequences loaded, int sourceItems) => new()
    {
        SourceItems = sourceItems,
        Steps = loaded.Steps,
        VariableLength = loaded.VariableLength,
        Classes = loaded.Classes,
        ValidationItems = loaded.Data?.Validation?.Count ?? 0,
        TestItems = loaded.Data?.Test?.Count ?? 0,
        ClassNames = loaded.ClassNames?.ToArray(),
        VocabularyCodePoints = loaded.Vocabulary?.CodePoints.ToArray(),
        FeatureMean = loaded.FeatureNormalizer?.Mean.ToArray(),
        FeatureStd = loaded.FeatureNormalizer?.Std.ToArray(),
        TargetMean = loaded.TargetNormalizer?.Mean.ToArray(),
        TargetStd = loaded.TargetNormalizer?.Std.ToArray(),
    };

    internal static InvalidDataException Changed(ResolvedJob job, string path, string what) =>
        new($"{path} changed after job '{job.Name}' was submitted: {what}; submit the job again");

    private static NumpySequenceReader OpenChecked(DataSpec data, string path, ResolvedJob job, ResolvedData facts, bool whole = false)
    {
        var reader = SequenceDataLoader.OpenNumpy(data, path);
        if ((!whole && reader.Count != facts.SourceItems) || reader.Steps != facts.Steps ||
            (reader.IsTokens ? !job.TokenInput : reader.Features != job.InputSize))
        {
            var message = $"it now has {reader.Count} samples of {reader.Steps} steps and {reader.Features} features " +
                $"(resolved: {facts.SourceItems} of {facts.Steps} steps, input width {job.InputSize})";
            reader.Dispose();
            throw Changed(job, path, message);
        }
        return reader;
    }

    internal static SequenceDataset Normalized(SequenceDataset set, ResolvedData facts)
    {
        Normalizer(facts.FeatureMean, facts.FeatureStd)?.ApplyToFeatures(set);
        Normalizer(facts.TargetMean, facts.TargetStd)?.ApplyToTargets(set);
        return set;
    }

    /// <summary>A source's splits as positions (ascending): the split by fraction with the seed, then data.limit.</summary>
    internal sealed record SourcePlan(int[] Train, int[] Validation, int[] Test);

    /// <summary>The first <paramref name="limit"/> training positions (data.limit), or all of them.</summary>
    internal static int[] Limited(int[] train, int? limit) => limit is { } l && l < train.Length ? train[..l] : train;

    /// <summary>The splits of a NumPy file or a long table / text column (not a wide series, split by rows).</summary>
    internal static SourcePlan SourceSplits(DataSpec data, ulong seed, int count)
    {
        // As SequenceDataLoader.ReadSplits: a split held in a file of its own takes nothing from the source.
        var split = DataSplit.ByFraction(count, data.ValidationPath is null ? data.ValidationFraction ?? 0 : 0,
            data.TestPath is null ? data.TestFraction ?? 0 : 0, data.Shuffle == true, seed, data.Path);
        return new SourcePlan(Limited(split.Train, data.Limit), data.ValidationPath is null ? split.Validation : [], data.TestPath is null ? split.Test : []);
    }

    private static (DataShape, ResolvedData) ResolveNumpy(DataSpec data, ulong seed)
    {
        var normalize = data.Normalize == DataNormalizations.Standard;
        using var reader = SequenceDataLoader.OpenNumpy(data, data.Path);
        var steps = reader.Steps;
        var kind = reader.IsTokens;
        var plan = SourceSplits(data, seed, reader.Count);
        var variable = SequenceDataLoader.HasLengths(data, data.Path);

        // Training pass: every sample checked, the classes seen, the largest token, the normalisers' means.
        var trainClasses = new HashSet<int>();
        var maxClass = -1;
        var maxToken = 0;
        SequenceTargetKind targetKind = default;
        var targetWidth = 0;
        FeatureNormalizer.Fitter? features = null, targets = null;
        foreach (var chunk in Chunks(reader, plan.Train))
        {
            targetKind = chunk.TargetKind;
            targetWidth = chunk.TargetWidth;
            if (normalize && chunk.IsTokens)
                throw new DataFormatException(chunk.Source, "x holds integer tokens, which have nothing to normalise; remove data.normalize");
            if (normalize)
            {
                (features ??= new FeatureNormalizer.Fitter(chunk.Features)).AddToMean(chunk.AllFeatures);
                if (!chunk.TargetKind.IsClass()) (targets ??= new FeatureNormalizer.Fitter(chunk.TargetWidth)).AddToMean(chunk.AllValues);
            }
            foreach (var c in chunk.AllClasses)
            {
                trainClasses.Add(c);
                maxClass = Math.Max(maxClass, c);
            }
            maxToken = Math.Max(maxToken, MaxToken(chunk));
        }

        // Held-out parts: checked, their tokens counted, and every class one training saw.
        var heldOut = 0;
        void Check(NumpySequenceReader source, int[] positions, string split)
        {
            foreach (var chunk in Chunks(source, positions))
            {
                heldOut += chunk.Count;
                maxToken = Math.Max(maxToken, MaxToken(chunk));
                if (!chunk.TargetKind.IsClass()) continue;
                var perStep = chunk.TargetKind.IsPerStep();
                for (var i = 0; i < chunk.Count; i++)
                    foreach (var c in perStep ? chunk.StepClassesOf(i) : chunk.AllClasses.Slice(i, 1))
                        if (!trainClasses.Contains(c))
                            throw new DataFormatException(chunk.Source,
                                $"{chunk.Describe(i)}: class {c} of the {split} split never occurs in the training split, " +
                                "so the model cannot learn it; move such sequences into training or drop them");
            }
        }
        int validationItems = 0, testItems = 0;
        foreach (var (path, positions, split) in new[] { (data.ValidationPath, plan.Validation, "validation"), (data.TestPath, plan.Test, "test") })
        {
            var before = heldOut;
            if (path is null) Check(reader, positions, split);
            else
            {
                using var own = SequenceDataLoader.OpenNumpy(data, path);
                if (own.Steps != steps)
                    throw new DataFormatException(path, $"x has T = {own.Steps} steps but the training file has {steps}; every split needs the same T");
                variable |= SequenceDataLoader.HasLengths(data, path);
                Check(own, Enumerable.Range(0, own.Count).ToArray(), split);
            }
            if (split == "validation") validationItems = heldOut - before;
            else testItems = heldOut - before;
        }

        // Second training pass for the variances, in the same order (the statistics equal a fit over all rows at once).
        if (features is not null)
        {
            features.EndMean();
            targets?.EndMean();
            foreach (var chunk in Chunks(reader, plan.Train))
            {
                features.AddToVariance(chunk.AllFeatures);
                targets?.AddToVariance(chunk.AllValues);
            }
        }
        var featureStats = features?.Finish();
        var targetStats = targets?.Finish();
        var classes = targetKind.IsClass() ? maxClass + 1 : 0;
        var inputSize = kind ? maxToken + 1 : reader.Features;
        var facts = new ResolvedData
        {
            SourceItems = reader.Count,
            Steps = steps,
            VariableLength = variable,
            Classes = classes,
            ValidationItems = validationItems,
            TestItems = testItems,
            FeatureMean = featureStats?.Mean.ToArray(),
            FeatureStd = featureStats?.Std.ToArray(),
            TargetMean = targetStats?.Mean.ToArray(),
            TargetStd = targetStats?.Std.ToArray(),
        };
        return (new DataShape(inputSize, kind, plan.Train.Length, classes, targetKind.IsClass() ? 0 : targetWidth), facts);
    }

    private static IEnumerable<SequenceDataset> Chunks(NumpySequenceReader reader, int[] positions)
    {
        for (var start = 0; start < positions.Length; start += ChunkSize)
            yield return reader.Read(new ArraySegment<int>(positions, start, Math.Min(ChunkSize, positions.Length - start)));
    }

    private static int MaxToken(SequenceDataset chunk)
    {
        if (!chunk.IsTokens) return 0;
        var max = 0;
        for (var i = 0; i < chunk.Count; i++)
            foreach (var token in chunk.TokensOf(i)) max = Math.Max(max, token);
        return max;
    }
}
