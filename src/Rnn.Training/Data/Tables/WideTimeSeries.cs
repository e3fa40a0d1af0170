using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// Windows cut from a wide time series (<see cref="WideSeriesSpec"/>), split chronologically: the first rows train,
/// then validation, the last <c>testFraction</c> of the rows test. As <see cref="TimeSeriesWindows"/> (its one-column
/// case): training windows lie wholly in the training rows; a held-out window has its targets in its part, its
/// inputs may reach back (as a live forecaster's would); windows whose targets straddle two parts are dropped.
/// With normalisation, mean and std come from the training rows only and are applied before values become float32.
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
        if (trainRows < (long)w + h || (testFraction > 0 && testRows < h) || (validationFraction > 0 && validationRows < h))
            throw new DataFormatException(table.Source,
                $"has {rows} rows: {trainRows} train, {validationRows} validation, {testRows} test; window {w} + horizon {h} needs at " +
                $"least {w + h} training rows and {h} row(s) in each held-out part");

        var features = spec.FeatureColumns.Select(table.Numbers).ToArray();
        var featureNormalizer = normalize ? FeatureNormalizer.Fit(RowBlock(features, trainRows), features.Length) : null;
        var classLabels = spec.TargetKind.IsClass() ? table.Texts(spec.TargetColumns[0]) : null;
        var targets = classLabels is null ? spec.TargetColumns.Select(table.Numbers).ToArray() : [];
        var targetNormalizer = normalize && classLabels is null ? FeatureNormalizer.Fit(RowBlock(targets, trainRows), targets.Length) : null;
        var classNames = classLabels is null ? null : ClassNameOrder.Sort(classLabels);
        var classIndex = classNames?.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);

        var windows = rows - w - h + 1;
        var builder = new SequenceDatasetBuilder(features.Length, spec.TargetKind, spec.TargetWidth, withIds: false);
        var x = new float[w * features.Length];
        var y = new float[classLabels is null ? spec.TargetWidth : 0];
        for (var s = 0; s < windows; s++)
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
                    var v = targets[c][s + w + k];
                    y[k * targets.Length + c] = (float)(targetNormalizer?.Transform(c, v) ?? v);
                }
            builder.Add(w, x, [], [], y, table.RowNumber(s));
        }
        var all = builder.Build(table.Source, table.RowWord, classNames);

        // Window s has its targets in rows [s+w, s+w+h).
        int[] Windows(int firstTargetRow, int endRow) =>
            Enumerable.Range(0, windows).Where(s => s + w >= firstTargetRow && s + w + h <= endRow).ToArray();
        var split = DataSplit.Of(Windows(0, trainRows), Windows(trainRows, trainRows + validationRows), Windows(trainRows + validationRows, rows));
        return new WideSeries(split.Apply(all), featureNormalizer, targetNormalizer);
    }

    private static double[] RowBlock(double[][] columns, int rows)
    {
        var block = new double[rows * columns.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns.Length; c++) block[r * columns.Length + c] = columns[c][r];
        return block;
    }
}
