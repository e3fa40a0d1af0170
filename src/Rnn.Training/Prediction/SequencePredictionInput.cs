using System.Globalization;
using System.Text;
using Rnn.Training.Batches;
using Rnn.Training.Data;
using Rnn.Training.Data.Numpy;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Data.Tables;
using Rnn.Training.Jobs;

namespace Rnn.Training.Prediction;

/// <summary>
/// New data of a sequence kind (numpy, table, series, text_column) read for <c>rnn predict</c> as the model's job
/// describes it, the same kind of file as training with the target optional:
/// numpy, an .npz with the job's x array (lengths and y used when present), or an x .npy file (the job's lengths
/// and y files used when they lie beside it); table, a long CSV/Parquet table with the sequence, order and feature
/// columns (the target columns when all present); series, a wide table with the feature columns, one window of
/// data.window rows starting at every row (the targets where the table has them); text_column, a table with the
/// text column (the target column when present). Features are scaled with the model's saved feature normaliser,
/// text with its vocabulary; predictions go back to the data's units through the target normaliser. Every sample
/// keeps its own length where the data has lengths (table, text_column, numpy with lengths).
/// </summary>
public sealed class SequencePredictionInput
{
    private readonly FeatureNormalizer? _targetNormalizer;
    private readonly double[]?[] _bases;

    private SequencePredictionInput(SampleSet samples, SequenceTargetKind targetKind, string[] keys, bool hasTargets,
        string?[][] labels, double[][] values, IReadOnlyList<string> classNames, IReadOnlyList<string> valueNames, FeatureNormalizer? targetNormalizer,
        double[]?[] bases)
    {
        _bases = bases;
        Samples = samples;
        TargetKind = targetKind;
        Keys = keys;
        HasTargets = hasTargets;
        Labels = labels;
        Values = values;
        ClassNames = classNames;
        ValueNames = valueNames;
        _targetNormalizer = targetNormalizer;
    }

    /// <summary>Padded samples (features normalised, or token ids) with their lengths; the targets in them are unused.</summary>
    public SampleSet Samples { get; }

    public SequenceTargetKind TargetKind { get; }

    /// <summary>Where each sample came from: the sequence id (table), the sample index (numpy), the window's first row (series), the text (text_column).</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The data held the targets (y, or the target columns).</summary>
    public bool HasTargets { get; }

    /// <summary>Class kinds: each sample's actual class names, one (per sequence) or one per step; null where unknown.</summary>
    public IReadOnlyList<string?[]> Labels { get; }

    /// <summary>Value kinds: each sample's actual values in the data's units, [rows, K] (rows 1 or its length); NaN where unknown.</summary>
    public IReadOnlyList<double[]> Values { get; }

    /// <summary>The model's class names in output order (class kinds).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Names of the K output values (value kinds): target columns, "column_h" for a series horizon, or 1..K.</summary>
    public IReadOnlyList<string> ValueNames { get; }

    /// <summary>
    /// Output component <paramref name="component"/> (0..K per row) of sample <paramref name="sample"/> of a value
    /// model in the data's units: through the target normaliser, and for a differenced series added to the target
    /// column's value at the window's last row (the model predicts the change from it).
    /// </summary>
    public double Prediction(int sample, int component, float value) =>
        (_targetNormalizer is { } n ? n.Inverse(component % n.Width, value) : value) + (_bases[sample]?[component] ?? 0);

    public static SequencePredictionInput Read(SavedModel model, string path, int outputSize, int? limit)
    {
        ArgumentNullException.ThrowIfNull(model);
        var data = model.Spec.Data;
        var kind = data.Kind == DataKinds.TextColumn ? SequenceTargetKind.ClassPerSequence : TargetKindOf(data.Target);
        var k = kind.IsClass() ? 1 : outputSize;
        var read = data.Kind switch
        {
            DataKinds.Numpy => ReadNumpy(model, path, kind, k, limit),
            DataKinds.Table => ReadTable(model, path, kind),
            DataKinds.Series => ReadSeries(model, path, kind),
            DataKinds.TextColumn => ReadTextColumn(model, path),
            _ => throw new ArgumentOutOfRangeException(nameof(model), data.Kind, "not a sequence kind"),
        };
        var sequences = limit is { } n && n < read.Sequences.Count ? read.Sequences.Take(n).ToList() : read.Sequences;
        if (sequences.Count == 0) throw new DataFormatException(path, "holds no sequences to predict on");

        var classNames = kind.IsClass() ? model.ClassNames(outputSize, required: data.Kind != DataKinds.Numpy) : [];
        var valueNames = kind.IsClass() ? [] : read.ValueNames ?? Enumerable.Range(1, k).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (!kind.IsClass() && valueNames.Count != k)
            throw new DataFormatException(model.ModelPath, $"the model outputs {k} values per {(kind.IsPerStep() ? "step" : "sequence")} but the job names {valueNames.Count} target columns");
        var targetNormalizer = kind.IsClass() ? null : model.Normalizer("target_normalizer", read.TargetColumns);

        var steps = read.Steps ?? sequences.Max(s => s.Length);
        var count = sequences.Count;
        var f = read.Features;
        var features = read.Tokens ? [] : new float[(long)count * steps * f];
        var tokens = read.Tokens ? new int[count * steps] : [];
        var lengths = read.VariableLength ? new int[count] : null;
        for (var i = 0; i < count; i++)
        {
            var s = sequences[i];
            if (read.Tokens) s.Tokens.CopyTo(tokens.AsSpan(i * steps));
            else s.Features.CopyTo(features.AsSpan(i * steps * f));
            if (lengths is not null) lengths[i] = s.Length;
        }
        var samples = new SampleSet(features, tokens, steps, f, new int[count], [], 0, false, lengths);
        return new SequencePredictionInput(samples, kind, sequences.Select(s => s.Key).ToArray(), read.HasTargets,
            sequences.Select(s => s.Labels ?? new string?[kind.IsPerStep() ? s.Length : 1]).ToArray(),
            sequences.Select(s => s.Values ?? Enumerable.Repeat(double.NaN, (kind.IsPerStep() ? s.Length : 1) * k).ToArray()).ToArray(),
            classNames, valueNames, targetNormalizer, sequences.Select(s => s.Bases).ToArray());
    }

    private static SequenceTargetKind TargetKindOf(string? target) => target switch
    {
        DataTargets.Class => SequenceTargetKind.ClassPerSequence,
        DataTargets.Values => SequenceTargetKind.ValuesPerSequence,
        DataTargets.ClassPerStep => SequenceTargetKind.ClassPerStep,
        DataTargets.ValuesPerStep => SequenceTargetKind.ValuesPerStep,
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "not a data target"),
    };

    /// <summary>One sequence as read: its key, its steps (normalised features or token ids) and its targets if any.</summary>
    private sealed record Sequence(string Key, int Length, float[] Features, int[] Tokens, string?[]? Labels, double[]? Values,
        double[]? Bases = null);

    private sealed record ReadResult(List<Sequence> Sequences, int Features, bool Tokens, bool VariableLength, int? Steps,
        bool HasTargets, IReadOnlyList<string>? ValueNames, int TargetColumns);

    private static ReadResult ReadNumpy(SavedModel model, string path, SequenceTargetKind kind, int k, int? limit)
    {
        var data = model.Spec.Data;
        var arrays = new List<NpyArray>();
        try
        {
            NpyArray x;
            NpyArray? y = null, lengths = null;
            if (path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
            {
                using var archive = NpzReader.Open(path);
                arrays.Add(x = archive.ReadArray(data.X ?? "x"));
                if (archive.Contains(data.Lengths ?? "lengths")) arrays.Add(lengths = archive.ReadArray(data.Lengths ?? "lengths"));
                if (archive.Contains(data.Y ?? "y")) arrays.Add(y = archive.ReadArray(data.Y ?? "y"));
            }
            else
            {
                arrays.Add(x = NpyArray.Map(path));
                // The job's lengths and y files by name, when they lie beside DATA.
                var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
                string? Beside(string? name) => name is null ? null : Path.Combine(folder, Path.GetFileName(name)) is var p && File.Exists(p) ? p : null;
                if (Beside(data.Lengths) is { } l) arrays.Add(lengths = NpyArray.Map(l));
                if (Beside(data.Y) is { } t) arrays.Add(y = NpyArray.Map(t));
            }
            return ReadArrays(model, x, y, lengths, kind, k, limit);
        }
        finally
        {
            foreach (var array in arrays) array.Dispose();
        }
    }

    private static ReadResult ReadArrays(SavedModel model, NpyArray x, NpyArray? y, NpyArray? lengths, SequenceTargetKind kind, int k, int? limit)
    {
        var tokens = x.Shape.Count == 2;
        if (x.Shape.Count is not (2 or 3) || (tokens && !x.Dtype.IsInteger))
            throw new DataFormatException(x.Name, $"x has shape {x.Header.ShapeText} of {x.Dtype.Name}; expected [N, T, F] features or [N, T] integer tokens");
        if (tokens != model.TokenInput)
            throw new DataFormatException(x.Name, model.TokenInput
                ? $"x has shape {x.Header.ShapeText}: the model reads [N, T] integer tokens (it starts with an embedding)"
                : $"x has shape {x.Header.ShapeText}: the model reads [N, T, {model.InputSize}] features");
        var n = checked((int)x.Rows);
        var steps = checked((int)x.Shape[1]);
        var f = tokens ? 0 : checked((int)x.Shape[2]);
        if (!tokens && f != model.InputSize)
            throw new DataFormatException(x.Name, $"x has {f} features per step (shape {x.Header.ShapeText}) but the model was trained on {model.InputSize}");
        foreach (var (array, what) in new[] { (lengths, "lengths"), (y, "y") })
            if (array is not null && array.Rows != n)
                throw new DataFormatException(array.Name, $"{what} has {array.Rows} samples (shape {array.Header.ShapeText}) but x has {n}; the first dimensions must agree");
        if (lengths is not null && (lengths.Shape.Count != 1 || !lengths.Dtype.IsInteger))
            throw new DataFormatException(lengths.Name, $"lengths is {lengths.Header.ShapeText} of {lengths.Dtype.Name}; expected [N] integers");
        var perStep = kind.IsPerStep();
        var expected = (perStep ? steps : 1) * k;
        if (y is not null && y.RowElements != expected)
            throw new DataFormatException(y.Name,
                $"y has shape {y.Header.ShapeText}; the model predicts {(kind.IsClass() ? "a class" : $"{k} value(s)")} per {(perStep ? $"step ({steps} steps)" : "sample")}, so y needs {expected} per sample");
        var normalizer = tokens ? null : model.Normalizer("feature_normalizer", f);

        // Only the rows asked for are read (a large .npy stays mapped, not loaded).
        var take = limit is { } l ? Math.Min(n, l) : n;
        var sequences = new List<Sequence>(take);
        var row = new long[1];
        var xFloats = tokens ? [] : new float[steps * f];
        var xLongs = tokens ? new long[steps] : [];
        var yRow = new float[expected];
        for (var i = 0; i < take; i++)
        {
            var length = steps;
            if (lengths is not null)
            {
                lengths.ReadRow(i, row);
                length = row[0] >= 1 && row[0] <= steps
                    ? (int)row[0]
                    : throw new DataFormatException(lengths.Name, $"lengths, sample {i}: length {row[0]} is outside 1..{steps} (T of x)");
            }
            float[] features = [];
            int[] ids = [];
            if (tokens)
            {
                x.ReadRow(i, xLongs);
                ids = new int[length];
                for (var t = 0; t < length; t++)
                    ids[t] = xLongs[t] >= 0 && xLongs[t] < model.InputSize
                        ? (int)xLongs[t]
                        : throw new DataFormatException(x.Name, $"x, sample {i}, step {t}: token {xLongs[t]} is outside the model's vocabulary 0..{model.InputSize - 1}");
            }
            else
            {
                x.ReadRow(i, xFloats);
                features = xFloats[..(length * f)];
                for (var j = 0; j < features.Length; j++)
                    if (!float.IsFinite(features[j]))
                        throw new DataFormatException(x.Name, $"x, sample {i}, step {j / f}, feature {j % f}: {features[j]} is not a finite number");
                normalizer?.Apply(features);
            }
            string?[]? labels = null;
            double[]? values = null;
            if (y is not null)
            {
                y.ReadRow(i, yRow);
                var rows = perStep ? length : 1;
                if (kind.IsClass()) labels = yRow[..rows].Select(v => ((long)v).ToString(CultureInfo.InvariantCulture)).ToArray();
                else values = yRow[..(rows * k)].Select(v => (double)v).ToArray();
            }
            sequences.Add(new Sequence(i.ToString(CultureInfo.InvariantCulture), length, features, ids, labels, values));
        }
        // One value target column per component (numpy values have no names).
        return new ReadResult(sequences, f, tokens, lengths is not null, steps, y is not null, null, k);
    }

    private static ReadResult ReadTable(SavedModel model, string path, SequenceTargetKind kind)
    {
        var data = model.Spec.Data;
        var features = data.FeatureColumns!;
        var targets = data.TargetColumns!;
        var hasTargets = targets.All(TableHeader.Columns(path).Contains);
        List<string> columns = [data.SequenceColumn!, .. data.OrderColumn is { } o ? [o] : Array.Empty<string>(), .. features];
        if (hasTargets) columns.AddRange(targets);
        var table = ColumnTable.Read(path, columns.Distinct().ToArray());
        RequireWidth(model, table.Source, features.Count);
        var normalizer = model.Normalizer("feature_normalizer", features.Count);

        var featureValues = features.Select(table.Numbers).ToArray();
        var classLabels = hasTargets && kind.IsClass() ? table.Texts(targets[0]) : null;
        var targetValues = hasTargets && !kind.IsClass() ? targets.Select(table.Numbers).ToArray() : null;
        var sequences = new List<Sequence>();
        var perStep = kind.IsPerStep();
        foreach (var (id, rows) in LongTableSequences.Sequences(table, data.SequenceColumn!, data.OrderColumn))
        {
            var x = new float[rows.Count * features.Count];
            for (var t = 0; t < rows.Count; t++)
                for (var c = 0; c < features.Count; c++)
                    x[t * features.Count + c] = (float)(normalizer?.Transform(c, featureValues[c][rows[t]]) ?? featureValues[c][rows[t]]);
            var targetRows = perStep ? rows : [rows[0]];
            var labels = classLabels is null ? null : targetRows.Select(r => (string?)classLabels[r]).ToArray();
            var values = targetValues is null ? null : targetRows.SelectMany(r => targetValues.Select(column => column[r])).ToArray();
            sequences.Add(new Sequence(id, rows.Count, x, [], labels, values));
        }
        return new ReadResult(sequences, features.Count, false, true, null, hasTargets, kind.IsClass() ? null : targets, targets.Count);
    }

    private static ReadResult ReadSeries(SavedModel model, string path, SequenceTargetKind kind)
    {
        var data = model.Spec.Data;
        var features = data.FeatureColumns!;
        var targets = data.TargetColumns!;
        int window = data.Window!.Value, horizon = data.Horizon ?? DataSpec.DefaultHorizon;
        // Differenced (data.difference): steps are changes from the row before, so the first window starts at row 1,
        // and predicted changes become values by adding the target column's value at the window's last row.
        var difference = data.Difference == true;
        var first = difference ? 1 : 0;
        var hasTargets = targets.All(TableHeader.Columns(path).Contains);
        if (difference && !kind.IsClass() && !hasTargets)
            throw new DataFormatException(Path.GetFullPath(path),
                $"has no column '{targets.First(t => !TableHeader.Columns(path).Contains(t))}': a differenced series (data.difference) predicts " +
                "changes from the target columns' last values, so DATA needs the target columns");
        var table = ColumnTable.Read(path, (hasTargets ? features.Concat(targets) : features).Distinct().ToArray());
        RequireWidth(model, table.Source, features.Count);
        var normalizer = model.Normalizer("feature_normalizer", features.Count);
        var rows = table.RowCount;
        if (rows < window + first)
            throw new DataFormatException(table.Source, $"has {rows} rows, fewer than the job's data.window {window}{(difference ? " + 1 (data.difference)" : "")}");
        var levels = features.Select(table.Numbers).ToArray();
        var featureValues = difference ? levels.Select(c => c.Select((v, r) => r == 0 ? double.NaN : v - c[r - 1]).ToArray()).ToArray() : levels;
        var classLabels = hasTargets && kind.IsClass() ? table.Texts(targets[0]) : null;
        var targetValues = hasTargets && !kind.IsClass() ? targets.Select(table.Numbers).ToArray() : null;
        var sequences = new List<Sequence>(rows - window + 1);
        for (var s = first; s + window <= rows; s++)
        {
            var x = new float[window * features.Count];
            for (var t = 0; t < window; t++)
                for (var c = 0; c < features.Count; c++)
                    x[t * features.Count + c] = (float)(normalizer?.Transform(c, featureValues[c][s + t]) ?? featureValues[c][s + t]);
            // As training: a class is the row horizon after the window; values the next horizon rows (NaN past the end).
            string?[]? labels = classLabels is null ? null : [s + window + horizon - 1 < rows ? classLabels[s + window + horizon - 1] : null];
            double[]? values = null, bases = null;
            if (targetValues is not null)
            {
                values = new double[horizon * targets.Count];
                bases = difference ? new double[horizon * targets.Count] : null;
                for (var h = 0; h < horizon; h++)
                    for (var c = 0; c < targets.Count; c++)
                    {
                        values[h * targets.Count + c] = s + window + h < rows ? targetValues[c][s + window + h] : double.NaN;
                        if (bases is not null) bases[h * targets.Count + c] = targetValues[c][s + window - 1];
                    }
            }
            sequences.Add(new Sequence(table.RowNumber(s).ToString(CultureInfo.InvariantCulture), window, x, [], labels, values, bases));
        }
        var valueNames = horizon == 1 ? targets.ToArray()
            : Enumerable.Range(1, horizon).SelectMany(h => targets.Select(c => $"{c}_{h}")).ToArray();
        return new ReadResult(sequences, features.Count, false, false, window, hasTargets, kind.IsClass() ? null : valueNames, targets.Count);
    }

    private static ReadResult ReadTextColumn(SavedModel model, string path)
    {
        var data = model.Spec.Data;
        var target = data.TargetColumns![0];
        var hasTargets = TableHeader.Columns(path).Contains(target);
        var table = ColumnTable.Read(path, hasTargets ? [data.TextColumn!, target] : [data.TextColumn!]);
        var vocabulary = model.Vocabulary();
        if (vocabulary.Size != model.InputSize)
            throw new DataFormatException(model.ModelPath, $"metadata 'vocabulary' has {vocabulary.Size} entries but embedding.weight has {model.InputSize} rows");
        var texts = table.Texts(data.TextColumn!);
        var labels = hasTargets ? table.Texts(target) : null;
        var sequences = new List<Sequence>(texts.Length);
        for (var r = 0; r < texts.Length; r++)
        {
            var tokens = new List<int>(texts[r].Length);
            foreach (var rune in texts[r].EnumerateRunes()) tokens.Add(vocabulary.EncodeCodePoint(rune.Value));
            sequences.Add(new Sequence(texts[r], tokens.Count, [], [.. tokens], labels is null ? null : [labels[r]], null));
        }
        return new ReadResult(sequences, 0, true, true, null, hasTargets, null, 1);
    }

    private static void RequireWidth(SavedModel model, string source, int features)
    {
        if (features != model.InputSize)
            throw new DataFormatException(source, $"the job names {features} feature columns but the model was trained on {model.InputSize} features per step");
    }
}

/// <summary>The column names of a .csv (its header row) or .parquet table, to tell whether optional columns are there.</summary>
internal static class TableHeader
{
    public static IReadOnlySet<string> Columns(string path)
    {
        var fullPath = DataFileReader.RequireFile(path, "table");
        try
        {
            if (Path.GetExtension(fullPath).Equals(".csv", StringComparison.OrdinalIgnoreCase))
            {
                using var stream = new StreamReader(fullPath, Encoding.UTF8);
                var reader = new CsvRecordReader(fullPath, stream.ReadLine() ?? "");
                var cells = new List<string>();
                return reader.TryReadRecord(cells, out _) ? cells.ToHashSet(StringComparer.Ordinal) : new HashSet<string>();
            }
            return Task.Run(async () =>
            {
                await using var parquet = await Parquet.ParquetReader.CreateAsync(fullPath);
                return (IReadOnlySet<string>)parquet.Schema.GetDataFields().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            }).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not DataFormatException)
        {
            // ColumnTable.Read reports the file's problem properly; here a file that cannot be probed just has no optional columns.
            return new HashSet<string>();
        }
    }
}
