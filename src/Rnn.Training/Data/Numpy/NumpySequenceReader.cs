using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Numpy;

/// <summary>
/// Sequences from NumPy arrays: x [N,T,F] (any numeric dtype, read as float32) or [N,T] integer tokens; y [N]
/// classes, [N] or [N,K] values, [N,T] per-step classes, [N,T] or [N,T,K] per-step values; optional lengths [N]
/// (1..T: the steps after a sequence's length are padding and never read). Opening checks the headers only; <see
/// cref="Read"/> reads just the samples asked for (a shard's partition), from memory-mapped .npy files or from an
/// .npz archive's members. Every error names the file, the array and the sample. Dispose the reader once the
/// partition is read. The mapped pages already read are dropped from the process as it goes (<see cref="NpyArray"/>),
/// so a shard's resident set holds its copy of the partition, not the file: measured with scripts/shard-memory.sh
/// (docs/benchmarks.md), 4 shards on 4 silo processes over a 4 GiB file hold about 1 GiB each.
/// </summary>
public sealed class NumpySequenceReader : IDisposable
{
    private readonly NpyArray _x;
    private readonly NpyArray _y;
    private readonly NpyArray? _lengths;
    private readonly SequenceTargetKind _kind;

    private NumpySequenceReader(NpyArray x, NpyArray y, NpyArray? lengths, SequenceTargetKind kind)
    {
        _x = x;
        _y = y;
        _lengths = lengths;
        _kind = kind;
        if (x.Shape.Count is not (2 or 3))
            throw new DataFormatException(x.Name, $"x has shape {x.Header.ShapeText}; expected [N, T, F] features or [N, T] integer tokens");
        IsTokens = x.Shape.Count == 2;
        if (IsTokens && !x.Dtype.IsInteger)
            throw new DataFormatException(x.Name,
                $"x is [N, T] of {x.Dtype.Name}: two dimensions mean integer tokens; give float features as [N, T, F] (reshape to [N, T, 1] for one feature)");
        if (x.Rows > Array.MaxLength || x.Shape[1] > Array.MaxLength || (x.Shape.Count == 3 && x.Shape[2] > Array.MaxLength))
            throw new DataFormatException(x.Name, $"x has shape {x.Header.ShapeText}; each dimension must stay below {Array.MaxLength}");
        Count = (int)x.Rows;
        if (Count == 0) throw new DataFormatException(x.Name, "x has no samples (its first dimension is 0)");
        Steps = (int)x.Shape[1];
        if (Steps == 0) throw new DataFormatException(x.Name, "x has 0 time steps (its second dimension is 0)");
        Features = IsTokens ? 0 : (int)x.Shape[2];
        if (!IsTokens && Features == 0) throw new DataFormatException(x.Name, "x has 0 features (its third dimension is 0)");
        TargetWidth = CheckTargets(y, kind);
        if (lengths is not null)
        {
            if (lengths.Shape.Count != 1 || !lengths.Dtype.IsInteger)
                throw new DataFormatException(lengths.Name, $"lengths is {lengths.Header.ShapeText} of {lengths.Dtype.Name}; expected [N] integers");
            RequireRows(lengths, "lengths");
        }
    }

    public int Count { get; }

    /// <summary>T: the padded length; each sequence has lengths[i] (or T) real steps.</summary>
    public int Steps { get; }

    public int Features { get; }

    public bool IsTokens { get; }

    public int TargetWidth { get; }

    /// <summary>x, y and optional lengths as separate .npy files (memory-mapped).</summary>
    public static NumpySequenceReader OpenNpy(string xPath, string yPath, string? lengthsPath, SequenceTargetKind kind)
    {
        var arrays = new List<NpyArray>();
        try
        {
            arrays.Add(NpyArray.Map(xPath));
            arrays.Add(NpyArray.Map(yPath));
            if (lengthsPath is not null) arrays.Add(NpyArray.Map(lengthsPath));
            return new NumpySequenceReader(arrays[0], arrays[1], lengthsPath is null ? null : arrays[2], kind);
        }
        catch
        {
            foreach (var array in arrays) array.Dispose();
            throw;
        }
    }

    /// <summary>Arrays of one .npz archive; lengths is used when the archive has an array of that name.</summary>
    public static NumpySequenceReader OpenNpz(string path, SequenceTargetKind kind, string x = "x", string y = "y", string lengths = "lengths")
    {
        using var archive = NpzReader.Open(path);
        var arrays = new List<NpyArray>();
        try
        {
            arrays.Add(archive.ReadArray(x));
            arrays.Add(archive.ReadArray(y));
            var hasLengths = archive.Contains(lengths);
            if (hasLengths) arrays.Add(archive.ReadArray(lengths));
            return new NumpySequenceReader(arrays[0], arrays[1], hasLengths ? arrays[2] : null, kind);
        }
        catch
        {
            foreach (var array in arrays) array.Dispose();
            throw;
        }
    }

    /// <summary>All samples.</summary>
    public SequenceDataset ReadAll() => Read(Enumerable.Range(0, Count).ToArray());

    /// <summary>The samples at <paramref name="positions"/> (indices into x), in that order; nothing else is read.</summary>
    public SequenceDataset Read(IReadOnlyList<int> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var lengths = new int[positions.Count];
        var offsets = new int[positions.Count + 1];
        var lengthRow = new long[1];
        for (var i = 0; i < positions.Count; i++)
        {
            var p = positions[i];
            if (p < 0 || p >= Count) throw new ArgumentOutOfRangeException(nameof(positions), p, $"x has {Count} samples");
            if (_lengths is null) lengths[i] = Steps;
            else
            {
                _lengths.ReadRow(p, lengthRow);
                if (lengthRow[0] < 1 || lengthRow[0] > Steps)
                    throw new DataFormatException(_lengths.Name, $"lengths, sample {p}: length {lengthRow[0]} is outside 1..{Steps} (T of x)");
                lengths[i] = (int)lengthRow[0];
            }
            // One array holds every step's features: past Array.MaxLength values, a shard's partition is too large.
            offsets[i + 1] = (long)offsets[i] + lengths[i] <= Array.MaxLength / Math.Max(1, Features)
                ? offsets[i] + lengths[i]
                : throw new DataFormatException(_x.Name, $"the {positions.Count} samples asked for hold more steps than one array can; use more shards");
        }
        var total = offsets[^1];
        var features = IsTokens ? [] : new float[(long)total * Features];
        var tokens = IsTokens ? new int[total] : [];
        var perStep = _kind.IsPerStep();
        var targetRows = perStep ? total : positions.Count;
        var classes = _kind.IsClass() ? new int[targetRows] : [];
        var values = _kind.IsClass() ? [] : new float[(long)targetRows * TargetWidth];

        var xFloats = IsTokens ? [] : new float[Steps * Features];
        var xLongs = IsTokens ? new long[Steps] : [];
        var yElements = (int)_y.RowElements;
        var yFloats = _kind.IsClass() ? [] : new float[yElements];
        var yLongs = _kind.IsClass() ? new long[yElements] : [];
        for (var i = 0; i < positions.Count; i++)
        {
            var p = positions[i];
            var length = lengths[i];
            if (IsTokens)
            {
                _x.ReadRow(p, xLongs);
                for (var t = 0; t < length; t++)
                    tokens[offsets[i] + t] = xLongs[t] is >= 0 and <= int.MaxValue
                        ? (int)xLongs[t]
                        : throw new DataFormatException(_x.Name, $"x, sample {p}, step {t}: token {xLongs[t]} is negative or too large");
            }
            else
            {
                _x.ReadRow(p, xFloats);
                var real = xFloats.AsSpan(0, length * Features);
                RequireFinite(real, _x, "x", p, Features, true);
                real.CopyTo(features.AsSpan(offsets[i] * Features));
            }

            var rows = perStep ? length : 1;
            var targetStart = perStep ? offsets[i] : i;
            if (_kind.IsClass())
            {
                _y.ReadRow(p, yLongs);
                for (var r = 0; r < rows; r++)
                    classes[targetStart + r] = yLongs[r] is >= 0 and <= int.MaxValue
                        ? (int)yLongs[r]
                        : throw new DataFormatException(_y.Name, $"y, sample {p}{(perStep ? $", step {r}" : "")}: class {yLongs[r]} is negative or too large");
            }
            else
            {
                _y.ReadRow(p, yFloats);
                var real = yFloats.AsSpan(0, rows * TargetWidth);
                RequireFinite(real, _y, "y", p, TargetWidth, perStep);
                real.CopyTo(values.AsSpan(targetStart * TargetWidth));
            }
        }
        return new SequenceDataset(_x.Name, "sample", offsets, features, Features, tokens, _kind, TargetWidth, classes, values,
            null, positions.ToArray());
    }

    public void Dispose()
    {
        _x.Dispose();
        _y.Dispose();
        _lengths?.Dispose();
    }

    private int CheckTargets(NpyArray y, SequenceTargetKind kind)
    {
        RequireRows(y, "y");
        var shape = y.Shape;
        var stepsMatch = shape.Count >= 2 && shape[1] == Steps;
        var (ok, width, expected) = kind switch
        {
            SequenceTargetKind.ClassPerSequence => (shape.Count == 1 && y.Dtype.IsInteger, 1, "[N] integer classes"),
            SequenceTargetKind.ClassPerStep => (shape.Count == 2 && stepsMatch && y.Dtype.IsInteger, 1, $"[N, {Steps}] integer classes (one per step)"),
            SequenceTargetKind.ValuesPerSequence => (shape.Count is 1 or 2, shape.Count == 1 ? 1 : (int)shape[1], "[N] or [N, K] values"),
            _ => (shape.Count is 2 or 3 && stepsMatch, shape.Count == 2 ? 1 : (int)shape[2], $"[N, {Steps}] or [N, {Steps}, K] values (per step)"),
        };
        if (!ok)
            throw new DataFormatException(y.Name, $"y has shape {y.Header.ShapeText} of {y.Dtype.Name}; {kind} targets need {expected}");
        if (width < 1) throw new DataFormatException(y.Name, $"y has shape {y.Header.ShapeText}: K must be at least 1");
        return width;
    }

    private void RequireRows(NpyArray array, string what)
    {
        if (array.Rows != Count)
            throw new DataFormatException(array.Name,
                $"{what} has {array.Rows} samples (shape {array.Header.ShapeText}) but x has {Count} ({_x.Name}); the first dimensions must agree");
    }

    private static void RequireFinite(ReadOnlySpan<float> values, NpyArray array, string what, int sample, int width, bool perStep)
    {
        for (var j = 0; j < values.Length; j++)
            if (!float.IsFinite(values[j]))
                throw new DataFormatException(array.Name,
                    $"{what}, sample {sample}{(perStep ? $", step {j / width}" : "")}, {(what == "x" ? "feature" : "component")} {j % width}: " +
                    $"{values[j]} is not a finite number{(array.Dtype is { Kind: 'f', ItemSize: 8 } ? " (as float32)" : "")}; clean or drop this sample");
    }
}
