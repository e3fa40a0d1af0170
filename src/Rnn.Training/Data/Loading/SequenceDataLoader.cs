using Rnn.Training.Data.Numpy;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Data.Tables;
using Rnn.Training.Jobs;

namespace Rnn.Training.Data.Loading;

/// <summary>
/// Reads the data of a sequence kind (numpy, table, series, text_column) as its job's data section says: the split
/// by fraction with the job's seed (or from separate files), <c>limit</c>, the padded length, the class count and
/// <c>"normalize": "standard"</c> fitted on the training split only. Paths are absolute (the resolver made them so).
/// </summary>
public static class SequenceDataLoader
{
    /// <summary>The whole data set, split, limited and normalised (resolution of the table kinds; tools).</summary>
    public static LoadedSequences Load(DataSpec data, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        var normalize = data.Normalize == DataNormalizations.Standard;
        switch (data.Kind)
        {
            case DataKinds.Series:
                var spec = WideSeriesSpecOf(data);
                var series = WideTimeSeries.Read(data.Path, spec, data.ValidationFraction ?? 0, data.TestFraction ?? 0, normalize);
                return Finish(data, Limited(series.Data, data.Limit), spec.Window, variableLength: false, null,
                    series.Features, series.Targets) with { SourceItems = Count(series.Data) };
            case DataKinds.TextColumn:
                var text = TextColumnSequences.Read(data.Path, data.TextColumn!, data.TargetColumns![0],
                    rows => DataSplit.ByFraction(rows, data.ValidationFraction ?? 0, data.TestFraction ?? 0, data.Shuffle == true, seed, data.Path));
                var textSplits = Limited(text.Data, data.Limit);
                return Finish(data, textSplits, MaxLength(data, textSplits), variableLength: true, text.Vocabulary, null, null)
                    with { SourceItems = Count(text.Data) };
            case DataKinds.Table:
                var table = ReadSplits(data, seed, path => LongTableSequences.Read(path, LongTableSpecOf(data)), out var sequences);
                return Normalized(data, table, MaxLength(data, table), variableLength: true, normalize) with { SourceItems = sequences };
            case DataKinds.Numpy:
                var steps = 0;
                var variable = false;
                var arrays = ReadSplits(data, seed, path =>
                {
                    using var reader = OpenNumpy(data, path);
                    if (steps != 0 && reader.Steps != steps)
                        throw new DataFormatException(path, $"x has T = {reader.Steps} steps but the training file has {steps}; every split needs the same T");
                    steps = reader.Steps;
                    variable |= HasLengths(data, path);
                    return reader.ReadAll();
                }, out var samples);
                return Normalized(data, arrays, steps, variable, normalize) with { SourceItems = samples };
            default:
                throw new ArgumentOutOfRangeException(nameof(data), data.Kind, "not a sequence kind");
        }
    }

    private static SequenceTargetKind TargetKind(string? target) => target switch
    {
        DataTargets.Class => SequenceTargetKind.ClassPerSequence,
        DataTargets.Values => SequenceTargetKind.ValuesPerSequence,
        DataTargets.ClassPerStep => SequenceTargetKind.ClassPerStep,
        DataTargets.ValuesPerStep => SequenceTargetKind.ValuesPerStep,
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "not a data target"),
    };

    private static int Count(SplitDatasets splits) => splits.Train.Count + (splits.Validation?.Count ?? 0) + (splits.Test?.Count ?? 0);

    internal static WideSeriesSpec WideSeriesSpecOf(DataSpec data) =>
        new(data.FeatureColumns!, data.TargetColumns!, data.Window!.Value, data.Horizon ?? DataSpec.DefaultHorizon,
            TargetKind(data.Target), data.Difference == true);

    internal static LongTableSpec LongTableSpecOf(DataSpec data) =>
        new(data.SequenceColumn!, data.OrderColumn, data.FeatureColumns!, data.TargetColumns!, TargetKind(data.Target));

    internal static NumpySequenceReader OpenNumpy(DataSpec data, string path)
    {
        var kind = TargetKind(data.Target);
        if (path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
            return NumpySequenceReader.OpenNpz(path, kind, data.X ?? "x", data.Y ?? "y", data.Lengths ?? "lengths");
        return NumpySequenceReader.OpenNpy(path, data.Y!, data.Lengths, kind);
    }

    internal static bool HasLengths(DataSpec data, string path)
    {
        if (!path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase)) return data.Lengths is not null;
        using var archive = NpzReader.Open(path);
        return archive.Contains(data.Lengths ?? "lengths");
    }

    /// <summary>The whole source split by fraction, or each split from its own file (class names matched by name).</summary>
    private static SplitDatasets ReadSplits(DataSpec data, ulong seed, Func<string, SequenceDataset> read, out int sourceCount)
    {
        var source = read(data.Path);
        sourceCount = source.Count;
        SplitDatasets splits;
        if (data.TestPath is null && data.ValidationPath is null)
        {
            var split = DataSplit.ByFraction(source.Count, data.ValidationFraction ?? 0, data.TestFraction ?? 0,
                data.Shuffle == true, seed, data.Path);
            splits = split.Apply(source);
        }
        else
        {
            var trainSplit = DataSplit.ByFraction(source.Count, data.ValidationPath is null ? data.ValidationFraction ?? 0 : 0,
                data.TestPath is null ? data.TestFraction ?? 0 : 0, data.Shuffle == true, seed, data.Path);
            var validation = data.ValidationPath is { } v ? read(v)
                : trainSplit.Validation.Length > 0 ? source.Subset(trainSplit.Validation) : null;
            var test = data.TestPath is { } t ? read(t) : trainSplit.Test.Length > 0 ? source.Subset(trainSplit.Test) : null;
            splits = SplitDatasets.FromTraining(source.Subset(trainSplit.Train), validation, test);
        }
        return Limited(splits, data.Limit);
    }

    private static SplitDatasets Limited(SplitDatasets splits, int? limit) =>
        limit is { } l && l < splits.Train.Count
            ? splits with { Train = splits.Train.Subset(Enumerable.Range(0, l).ToArray()) }
            : splits;

    /// <summary>data.max_length, or the longest sequence of any split; a longer sequence is an error naming it.</summary>
    private static int MaxLength(DataSpec data, SplitDatasets splits)
    {
        var all = new[] { splits.Train, splits.Validation, splits.Test }.OfType<SequenceDataset>().ToArray();
        if (data.MaxLength is not { } max) return all.Max(d => d.MaxSteps);
        foreach (var set in all)
            for (var i = 0; i < set.Count; i++)
                if (set.Length(i) > max)
                    throw new DataFormatException(set.Source,
                        $"{set.Describe(i)} has {set.Length(i)} steps, more than data.max_length = {max}; raise max_length or shorten the sequence");
        return max;
    }

    private static LoadedSequences Normalized(DataSpec data, SplitDatasets splits, int steps, bool variableLength, bool normalize)
    {
        FeatureNormalizer? features = null, targets = null;
        if (normalize)
        {
            if (splits.Train.IsTokens)
                throw new DataFormatException(splits.Train.Source, "x holds integer tokens, which have nothing to normalise; remove data.normalize");
            features = FeatureNormalizer.FitFeatures(splits.Train);
            if (!splits.Train.TargetKind.IsClass()) targets = FeatureNormalizer.FitTargets(splits.Train);
            foreach (var set in new[] { splits.Train, splits.Validation, splits.Test }.OfType<SequenceDataset>())
            {
                features.ApplyToFeatures(set);
                targets?.ApplyToTargets(set);
            }
        }
        return Finish(data, splits, steps, variableLength, null, features, targets);
    }

    private static LoadedSequences Finish(DataSpec data, SplitDatasets splits, int steps, bool variableLength,
        CharVocabulary? vocabulary, FeatureNormalizer? features, FeatureNormalizer? targets)
    {
        var train = splits.Train;
        var tokens = train.IsTokens;
        var inputSize = vocabulary?.Size ?? (tokens ? TokenCount(splits) : train.Features);
        var classes = !train.TargetKind.IsClass() ? 0
            : train.ClassNames?.Count ?? (train.AllClasses.Length == 0 ? 0 : Max(train.AllClasses) + 1);
        return new LoadedSequences(splits, steps, inputSize, tokens, variableLength, classes, vocabulary, features, targets,
            train.ClassNames);
    }

    // Integer tokens from NumPy: the embedding needs every id below its size, in every split.
    private static int TokenCount(SplitDatasets splits)
    {
        var max = 0;
        foreach (var set in new[] { splits.Train, splits.Validation, splits.Test }.OfType<SequenceDataset>())
            for (var i = 0; i < set.Count; i++)
                foreach (var token in set.TokensOf(i)) max = Math.Max(max, token);
        return max + 1;
    }

    private static int Max(ReadOnlySpan<int> values)
    {
        var max = 0;
        foreach (var v in values) max = Math.Max(max, v);
        return max;
    }
}
