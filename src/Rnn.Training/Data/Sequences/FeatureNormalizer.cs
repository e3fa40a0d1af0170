using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rnn.Training.Data.Sequences;

/// <summary>
/// Standard scaling per column: x' = (x − mean) / std, with mean and population std fitted on the training split
/// only (so nothing of the held-out data leaks into training). Used for features and for regression targets; saved
/// with the model as JSON and applied unchanged in evaluation and prediction. <see cref="Inverse"/> maps
/// predictions back to the data's units, so RMSE is reported in them. A constant column gets std 1 (it becomes 0).
/// </summary>
public sealed class FeatureNormalizer
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly double[] _mean;
    private readonly double[] _std;

    private FeatureNormalizer(double[] mean, double[] std)
    {
        _mean = mean;
        _std = std;
        Mean = Array.AsReadOnly(mean);
        Std = Array.AsReadOnly(std);
    }

    public IReadOnlyList<double> Mean { get; }

    public IReadOnlyList<double> Std { get; }

    public int Width => _mean.Length;

    /// <summary>Fits on <paramref name="rows"/>, [rows, width], in a fixed order (two passes in double).</summary>
    public static FeatureNormalizer Fit(ReadOnlySpan<float> rows, int width) => Fit<float>(rows, width);

    /// <summary>Fits on values still in double (a table's column before it becomes float32).</summary>
    public static FeatureNormalizer Fit(ReadOnlySpan<double> rows, int width) => Fit<double>(rows, width);

    private static FeatureNormalizer Fit<T>(ReadOnlySpan<T> rows, int width) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (rows.Length == 0 || rows.Length % width != 0)
            throw new ArgumentException($"need a non-empty [rows, {width}] block, got {rows.Length} values", nameof(rows));
        var fitter = new Fitter(width);
        fitter.AddToMean(rows);
        fitter.EndMean();
        fitter.AddToVariance(rows);
        return fitter.Finish();
    }

    /// <summary>A normaliser of statistics fitted elsewhere (a resolved job's, <see cref="Fitter"/>'s).</summary>
    public static FeatureNormalizer FromStatistics(IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"mean ({mean.Count}) and std ({std.Count}) need the same, non-zero length", nameof(std));
        return new FeatureNormalizer(mean.ToArray(), std.ToArray());
    }

    /// <summary>
    /// Fits over rows that arrive in blocks (a large file read a chunk at a time): every block to the mean in row
    /// order, then <see cref="EndMean"/>, then the same blocks in the same order to the variance. The sums run in the
    /// same order as one call over all rows, so the statistics are bit for bit those of <see cref="Fit(ReadOnlySpan{float}, int)"/>.
    /// </summary>
    public sealed class Fitter(int width)
    {
        private readonly double[] _mean = new double[width];
        private readonly double[] _std = new double[width];
        private long _count;
        private bool _meanDone;

        public int Width => width;

        public void AddToMean<T>(ReadOnlySpan<T> rows) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            if (_meanDone) throw new InvalidOperationException("the mean is done; add to the variance");
            var count = rows.Length / width;
            for (var r = 0; r < count; r++)
                for (var c = 0; c < width; c++) _mean[c] += double.CreateTruncating(rows[r * width + c]);
            _count += count;
        }

        public void EndMean()
        {
            if (_count == 0) throw new InvalidOperationException("no rows to fit on");
            for (var c = 0; c < width; c++) _mean[c] /= _count;
            _meanDone = true;
        }

        // Two passes rather than a sum of squares: no cancellation for columns far from zero (CO2 near 350 ppm).
        public void AddToVariance<T>(ReadOnlySpan<T> rows) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            if (!_meanDone) throw new InvalidOperationException("end the mean first");
            var count = rows.Length / width;
            for (var r = 0; r < count; r++)
                for (var c = 0; c < width; c++)
                {
                    var d = double.CreateTruncating(rows[r * width + c]) - _mean[c];
                    _std[c] += d * d;
                }
        }

        public FeatureNormalizer Finish()
        {
            var std = new double[width];
            for (var c = 0; c < width; c++)
            {
                std[c] = Math.Sqrt(_std[c] / _count);
                if (std[c] == 0) std[c] = 1;
            }
            return new FeatureNormalizer((double[])_mean.Clone(), std);
        }
    }

    /// <summary>Fits on every step of the training split's features.</summary>
    public static FeatureNormalizer FitFeatures(SequenceDataset train)
    {
        if (train.IsTokens)
            throw new ArgumentException($"{train.Source}: token data has no features to normalise", nameof(train));
        return Fit(train.AllFeatures, train.Features);
    }

    /// <summary>Fits on the training split's regression targets (the value kinds).</summary>
    public static FeatureNormalizer FitTargets(SequenceDataset train)
    {
        if (train.TargetKind.IsClass())
            throw new ArgumentException($"{train.Source}: class targets are not normalised", nameof(train));
        return Fit(train.AllValues, train.TargetWidth);
    }

    /// <summary>Scales <paramref name="rows"/> ([rows, Width]) in place.</summary>
    public void Apply(Span<float> rows)
    {
        var width = Width;
        if (rows.Length % width != 0)
            throw new ArgumentException($"{rows.Length} values are not whole rows of {width}", nameof(rows));
        for (var i = 0; i < rows.Length; i++)
        {
            var c = i % width;
            rows[i] = (float)((rows[i] - _mean[c]) / _std[c]);
        }
    }

    /// <summary>Maps scaled values ([rows, Width]) back to the data's units, in place.</summary>
    public void Inverse(Span<float> rows)
    {
        var width = Width;
        for (var i = 0; i < rows.Length; i++)
        {
            var c = i % width;
            rows[i] = (float)(rows[i] * _std[c] + _mean[c]);
        }
    }

    /// <summary>One value of column <paramref name="column"/> scaled.</summary>
    public double Transform(int column, double value) => (value - _mean[column]) / _std[column];

    /// <summary>One scaled value of column <paramref name="column"/> in the data's units.</summary>
    public double Inverse(int column, double value) => value * _std[column] + _mean[column];

    public void ApplyToFeatures(SequenceDataset data)
    {
        RequireWidth(data.Features, data.Source, "features per step");
        Apply(data.MutableFeatures);
    }

    public void ApplyToTargets(SequenceDataset data)
    {
        RequireWidth(data.TargetKind.IsClass() ? 0 : data.TargetWidth, data.Source, "target values");
        Apply(data.MutableValues);
    }

    public string ToJson() => JsonSerializer.Serialize(new Saved(_mean, _std), JsonOptions);

    /// <summary>Restores a saved normaliser; <paramref name="source"/> names the file in errors.</summary>
    public static FeatureNormalizer FromJson(string json, string source)
    {
        Saved? saved;
        try
        {
            saved = JsonSerializer.Deserialize<Saved>(json);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(source, $"is not a saved normaliser: {e.Message}", innerException: e);
        }
        if (saved?.Mean is null || saved.Std is null || saved.Mean.Length == 0 || saved.Mean.Length != saved.Std.Length)
            throw new DataFormatException(source, "a saved normaliser needs 'mean' and 'std' arrays of the same, non-zero length");
        for (var c = 0; c < saved.Std.Length; c++)
            if (!double.IsFinite(saved.Mean[c]) || !(saved.Std[c] > 0) || !double.IsFinite(saved.Std[c]))
                throw new DataFormatException(source, $"column {c}: mean {saved.Mean[c]} and std {saved.Std[c]} must be finite, std > 0");
        return new FeatureNormalizer(saved.Mean, saved.Std);
    }

    private void RequireWidth(int width, string source, string what)
    {
        if (width != Width)
            throw new ArgumentException($"{source}: the data has {width} {what}, the normaliser {Width}");
    }

    private sealed record Saved(
        [property: JsonPropertyName("mean")] double[] Mean,
        [property: JsonPropertyName("std")] double[] Std);
}
