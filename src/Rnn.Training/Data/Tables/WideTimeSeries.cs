using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// Windows cut from a wide time series (<see cref="WideSeriesSpec"/>), split chronologically: the first rows train,
/// then validation, the last <c>testFraction</c> of the rows test. As <see cref="TimeSeriesWindows"/> (its one-column
/// case): training windows lie wholly in the training rows; a held-out window has its targets in its part, its
/// inputs may reach back (as a live forecaster's would); windows whose targets straddle two parts are dropped.
/// With normalisation, mean and std come from the training rows only and are applied before values become float32.
/// Differenced (<see cref="WideSeriesSpec.Difference"/>): the first window starts one row later (its first change
/// needs the row before), and the normalisers are fitted on the training part's changes.
/// </summary>
public static class WideTimeSeries
{
    public static WideSeries Read(string path, WideSeriesSpec spec, double validationFraction, double testFraction, bool normalize)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        return Build(ColumnTable.Read(path, spec.Columns), spec, validationFraction, testFraction, normalize);
    }

    public static WideSeries Build(ColumnTable table, WideSeriesSpec spec, double validationFraction, double testFraction, bool normalize)
    {
        spec.Validate();
        if (!(validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), "fractions must be ≥ 0 and sum below 1");
        var rows = table.RowCount;
        var testRows = (int)Math.Floor(rows * testFraction);
        var validationRows = (int)Math.Floor(rows * validationFraction);
        var trainRows = rows - testRows - validationRows;
        var (w, h) = (spec.Window, spec.Horizon);
        var first = spec.Difference ? 1 : 0;
        if (trainRows < (long)w + h + first || (testFraction > 0 && testRows < h) || (validationFraction > 0 && validationRows < h))
            throw new DataFormatException(table.Source,
                $"has {rows} rows: {trainRows} train, {validationRows} validation, {testRows} test; window {w} + horizon {h} " +
                (spec.Difference ? "+ 1 (data.difference) " : "") +
                $"needs at least {w + h + first} training rows and {h} row(s) in each held-out part");

        var levels = spec.FeatureColumns.Select(table.Numbers).ToArray();
        var features = spec.Difference ? levels.Select(Changes).ToArray() : levels;
        var featureNormalizer = normalize ? FeatureNormalizer.Fit(RowBlock(features, first, trainRows), features.Length) : null;
        var classLabels = spec.TargetKind.IsClass() ? table.Texts(spec.TargetColumns[0]) : null;
        var targets = classLabels is null ? spec.TargetColumns.Select(table.Numbers).ToArray() : [];
        // The value window s predicts for column c, step k: the level, or its change from the window's last row.
        double Target(int c, int s, int k) => targets[c][s + w + k] - (spec.Difference ? targets[c][s + w - 1] : 0);
        var targetNormalizer = normalize && classLabels is null
            ? (spec.Difference ? FitTargetChanges(targets.Length, trainRows - w - h + 1, h, Target) : FeatureNormalizer.Fit(RowBlock(targets, 0, trainRows), targets.Length))
            : null;
        var classNames = classLabels is null ? null : ClassNameOrder.Sort(classLabels);
        var classIndex = classNames?.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);

        var windows = rows - w - h + 1;
        var builder = new SequenceDatasetBuilder(features.Length, spec.TargetKind, spec.TargetWidth, withIds: false);
        var x = new float[w * features.Length];
        var y = new float[classLabels is null ? spec.TargetWidth : 0];
        for (var s = first; s < windows; s++)
        {
            for (var t = 0; t < w; t++)
                for (var f = 0; f < features.Length; f++)
                {
                    var v = features[f][s + t];
                    x[t * features.Length + f] = (float)(featureNormalizer?.Transform(f, v) ?? v);
                }
            if (classLabels is not null)
            {
                builder.Add(w, x, [], [classIndex![classLabels[s + w + h - 1]]], [], table.RowNumber(s));
                continue;
            }
            for (var k = 0; k < h; k++)
                for (var c = 0; c < targets.Length; c++)
                {
                    var v = Target(c, s, k);
                    y[k * targets.Length + c] = (float)(targetNormalizer?.Transform(c, v) ?? v);
                }
            builder.Add(w, x, [], [], y, table.RowNumber(s));
        }
        var all = builder.Build(table.Source, table.RowWord, classNames);

        // Window s (sample s − first) has its targets in rows [s+w, s+w+h).
        int[] Windows(int firstTargetRow, int endRow) =>
            Enumerable.Range(first, windows - first).Where(s => s + w >= firstTargetRow && s + w + h <= endRow).Select(s => s - first).ToArray();
        var split = DataSplit.Of(Windows(0, trainRows), Windows(trainRows, trainRows + validationRows), Windows(trainRows + validationRows, rows));
        return new WideSeries(split.Apply(all), featureNormalizer, targetNormalizer);
    }

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
