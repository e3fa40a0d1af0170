using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// Windows cut from a wide time series (<see cref="WideSeriesSpec"/>), split chronologically: the first rows train,
/// then validation, the last <c>testFraction</c> of the rows test. As <see cref="TimeSeriesWindows"/> (its one-column
/// case): training windows lie wholly in the training rows; a held-out window has its targets in its part, its
/// inputs may reach back (as a live forecaster's would); windows whose targets straddle two parts are dropped.
/// With normalisation, mean and std come from the training rows only and are applied before values become float32.
/// Differenced (<see cref="WideSeriesSpec.Difference"/>): the first window starts one row later (its first change
/// needs the row before), and the normalisers are fitted on the training part's changes. The columns are read a block
/// of rows at a time (<see cref="WideSeriesColumns"/>); a shard cuts only its own windows (<see cref="Windows"/>).
/// </summary>
public static class WideTimeSeries
{
    public static WideSeries Read(string path, WideSeriesSpec spec, double validationFraction, double testFraction, bool normalize)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        return Build(WideSeriesColumns.Read(path, spec), spec, validationFraction, testFraction, normalize);
    }

    public static WideSeries Build(WideSeriesColumns columns, WideSeriesSpec spec, double validationFraction, double testFraction, bool normalize)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var (split, trainRows) = Split(columns, spec, validationFraction, testFraction);
        var (w, h) = (spec.Window, spec.Horizon);
        var first = spec.Difference ? 1 : 0;
        var features = FeatureSteps(columns, spec);
        var featureNormalizer = normalize ? FeatureNormalizer.Fit(RowBlock(features, first, trainRows), features.Length) : null;
        var targets = columns.Targets;
        var targetNormalizer = normalize && columns.ClassLabels is null
            ? (spec.Difference
                ? FitTargetChanges(targets.Length, trainRows - w - h + 1, h, (c, s, k) => Target(spec, targets, c, s, k))
                : FeatureNormalizer.Fit(RowBlock(targets, 0, trainRows), targets.Length))
            : null;
        var classNames = columns.ClassLabels is null ? null : ClassNameOrder.Sort(columns.ClassLabels);
        var samples = Enumerable.Range(0, columns.Rows - w - h + 1 - first).ToArray();
        var all = Windows(columns, spec, featureNormalizer, targetNormalizer, classNames, samples);
        return new WideSeries(split.Apply(all), featureNormalizer, targetNormalizer);
    }

    /// <summary>
    /// The windows of the split (as sample indices: window s is sample s − 1 when differenced, else s), from the row
    /// count alone: training windows lie wholly in the training rows, a held-out window has its targets in its part.
    /// </summary>
    public static (DataSplit Split, int TrainRows) Split(WideSeriesColumns columns, WideSeriesSpec spec, double validationFraction, double testFraction)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (!(validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), "fractions must be ≥ 0 and sum below 1");
        var rows = columns.Rows;
        var testRows = (int)Math.Floor(rows * testFraction);
        var validationRows = (int)Math.Floor(rows * validationFraction);
        var trainRows = rows - testRows - validationRows;
        var (w, h) = (spec.Window, spec.Horizon);
        var first = spec.Difference ? 1 : 0;
        if (trainRows < (long)w + h + first || (testFraction > 0 && testRows < h) || (validationFraction > 0 && validationRows < h))
            throw new DataFormatException(columns.Source,
                $"has {rows} rows: {trainRows} train, {validationRows} validation, {testRows} test; window {w} + horizon {h} " +
                (spec.Difference ? "+ 1 (data.difference) " : "") +
                $"needs at least {w + h + first} training rows and {h} row(s) in each held-out part");

        // Window s (sample s − first) has its targets in rows [s+w, s+w+h).
        var windows = rows - w - h + 1;
        int[] Windows(int firstTargetRow, int endRow) =>
            Enumerable.Range(first, windows - first).Where(s => s + w >= firstTargetRow && s + w + h <= endRow).Select(s => s - first).ToArray();
        return (DataSplit.Of(Windows(0, trainRows), Windows(trainRows, trainRows + validationRows), Windows(trainRows + validationRows, rows)), trainRows);
    }

    /// <summary>
    /// The windows at <paramref name="samples"/> (sample indices, in that order), normalised with the given statistics
    /// (before values become float32) and their classes indexed by <paramref name="classNames"/>: the same windows, bit
    /// for bit, as those of the whole series at these indices, so a shard builds only its own.
    /// </summary>
    public static SequenceDataset Windows(WideSeriesColumns columns, WideSeriesSpec spec, FeatureNormalizer? featureNormalizer,
        FeatureNormalizer? targetNormalizer, IReadOnlyList<string>? classNames, IReadOnlyList<int> samples)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(samples);
        var (w, h) = (spec.Window, spec.Horizon);
        var first = spec.Difference ? 1 : 0;
        var features = FeatureSteps(columns, spec);
        var classLabels = columns.ClassLabels;
        var targets = columns.Targets;
        var classIndex = classNames is null ? null : new ClassIndex(classNames);
        var builder = new SequenceDatasetBuilder(features.Length, spec.TargetKind, spec.TargetWidth, withIds: false);
        var x = new float[w * features.Length];
        var y = new float[classLabels is null ? spec.TargetWidth : 0];
        foreach (var sample in samples)
        {
            var s = sample + first;
            for (var t = 0; t < w; t++)
                for (var f = 0; f < features.Length; f++)
                {
                    var v = features[f][s + t];
                    x[t * features.Length + f] = (float)(featureNormalizer?.Transform(f, v) ?? v);
                }
            if (classLabels is not null)
            {
                var labelRow = s + w + h - 1;
                var c = classIndex!.Of(classLabels[labelRow], problem => new DataFormatException(columns.Source,
                    $"{columns.RowWord} {columns.RowNumbers[labelRow]}, column '{spec.TargetColumns[0]}': {problem}"));
                builder.Add(w, x, [], [c], [], columns.RowNumbers[s]);
                continue;
            }
            for (var k = 0; k < h; k++)
                for (var c = 0; c < targets.Length; c++)
                {
                    var v = Target(spec, targets, c, s, k);
                    y[k * targets.Length + c] = (float)(targetNormalizer?.Transform(c, v) ?? v);
                }
            builder.Add(w, x, [], [], y, columns.RowNumbers[s]);
        }
        return builder.Build(columns.Source, columns.RowWord, classNames);
    }

    /// <summary>The feature columns as the model sees them: levels, or changes from the row before when differenced.</summary>
    private static double[][] FeatureSteps(WideSeriesColumns columns, WideSeriesSpec spec) =>
        spec.Difference ? columns.Features.Select(Changes).ToArray() : columns.Features;

    /// <summary>The value window s predicts for column c, step k: the level, or its change from the window's last row.</summary>
    private static double Target(WideSeriesSpec spec, double[][] targets, int c, int s, int k) =>
        targets[c][s + spec.Window + k] - (spec.Difference ? targets[c][s + spec.Window - 1] : 0);

    private static double[] RowBlock(double[][] columns, int from, int to)
    {
        var block = new double[(to - from) * columns.Length];
        for (var r = from; r < to; r++)
            for (var c = 0; c < columns.Length; c++) block[(r - from) * columns.Length + c] = columns[c][r];
        return block;
    }

    /// <summary>Row r: the change v[r] − v[r−1]; row 0 has none (NaN) and no window reads it.</summary>
    private static double[] Changes(double[] column)
    {
        var changes = new double[column.Length];
        changes[0] = double.NaN;
        for (var r = 1; r < column.Length; r++) changes[r] = column[r] - column[r - 1];
        return changes;
    }

    /// <summary>Mean and std of the training windows' target changes (windows 1 .. trainWindows − 1, every step).</summary>
    private static FeatureNormalizer FitTargetChanges(int columns, int trainWindows, int horizon, Func<int, int, int, double> target)
    {
        var block = new double[(trainWindows - 1) * horizon * columns];
        var i = 0;
        for (var s = 1; s < trainWindows; s++)
            for (var k = 0; k < horizon; k++)
                for (var c = 0; c < columns; c++) block[i++] = target(c, s, k);
        return FeatureNormalizer.Fit(block, columns);
    }
}
