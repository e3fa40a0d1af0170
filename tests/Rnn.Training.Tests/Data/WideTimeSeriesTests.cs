using Rnn.Training.Data;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Data.Tables;

namespace Rnn.Training.Tests.Data;

public sealed class WideTimeSeriesTests
{
    [Fact]
    public void One_column_with_normalisation_gives_exactly_the_csv_kinds_windows()
    {
        var path = RepositoryPaths.DataFile("timeseries", "co2-concentration.csv");
        var reference = TimeSeriesWindows.Create(CsvTimeSeries.ReadColumn(path, "CO2"), window: 24, horizon: 2, testFraction: 0.2);

        var series = WideTimeSeries.Read(path, new WideSeriesSpec(["CO2"], ["CO2"], 24, 2, SequenceTargetKind.ValuesPerSequence),
            validationFraction: 0, testFraction: 0.2, normalize: true);

        var (train, test) = (series.Data.Train, series.Data.Test!);
        Assert.Null(series.Data.Validation);
        Assert.Equal((reference.TrainCount, reference.TestCount), (train.Count, test.Count));
        Assert.Equal(reference.Mean, series.Features!.Mean[0]);
        Assert.Equal(reference.Std, series.Targets!.Std[0]);
        var (input, target) = (new float[24], new float[2]);
        foreach (var i in new[] { 0, 100, train.Count - 1 })
        {
            reference.CopyTrainSample(i, input, target);
            Assert.Equal(input, train.FeaturesOf(i).ToArray());
            Assert.Equal(target, train.ValuesOf(i).ToArray());
        }
        foreach (var i in new[] { 0, test.Count - 1 })
        {
            reference.CopyTestSample(i, input, target);
            Assert.Equal(input, test.FeaturesOf(i).ToArray());
            Assert.Equal(target, test.ValuesOf(i).ToArray());
        }
        Assert.Equal(reference.Denormalize(target[1]), series.Targets.Inverse(0, target[1]));
    }

    [Fact]
    public void Several_columns_predict_the_class_of_the_next_row()
    {
        var path = RepositoryPaths.DataFile("timeseries", "seattle-weather.csv");
        var spec = new WideSeriesSpec(["precipitation", "temp_max", "temp_min", "wind"], ["weather"], 14, 1, SequenceTargetKind.ClassPerSequence);

        var series = WideTimeSeries.Read(path, spec, validationFraction: 0.1, testFraction: 0.2, normalize: true);

        // 1461 days: 292 test, 146 validation, 1023 training rows; 1009 training windows, 146 and 292 held out.
        Assert.Equal((1009, 146, 292), (series.Data.Train.Count, series.Data.Validation!.Count, series.Data.Test!.Count));
        Assert.Equal(["drizzle", "fog", "rain", "snow", "sun"], series.Data.Train.ClassNames);
        Assert.Null(series.Targets);
        Assert.Equal(4, series.Features!.Width);
        // The first window is 2012-01-01..14 (lines 2..15); its target is 2012-01-15 (line 16): snow.
        Assert.Equal("line 2", series.Data.Train.Describe(0));
        Assert.Equal("snow", series.Data.Train.ClassNames![series.Data.Train.ClassOf(0)]);
        Assert.Equal(56, series.Data.Train.FeaturesOf(0).Length);
    }

    [Fact]
    public void A_series_too_short_for_the_window_says_what_it_needs()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("s.csv", "v\n1\n2\n3\n4\n5\n");
        var error = Assert.Throws<DataFormatException>(() =>
            WideTimeSeries.Read(path, new WideSeriesSpec(["v"], ["v"], 4, 1, SequenceTargetKind.ValuesPerSequence), 0, 0.2, normalize: false));
        Assert.Equal($"{path}: has 5 rows: 4 train, 0 validation, 1 test; window 4 + horizon 1 needs at least 5 training rows and 1 row(s) in each held-out part",
            error.Message);
    }

    [Fact]
    public void Differenced_windows_hold_changes_and_forecast_the_change_from_the_last_row()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("s.csv", "v\n1\n3\n6\n10\n15\n21\n28\n36\n45\n55\n");
        var spec = new WideSeriesSpec(["v"], ["v"], 3, 1, SequenceTargetKind.ValuesPerSequence, Difference: true);

        var series = WideTimeSeries.Read(path, spec, validationFraction: 0, testFraction: 0.2, normalize: false);

        // 8 training rows, 2 test rows. Window 0 has no row before it, so the first sample is window 1: rows 1..3 as
        // changes 2, 3, 4, and its target row 4 as the change from row 3: 15 − 10 = 5.
        var (train, test) = (series.Data.Train, series.Data.Test!);
        Assert.Equal((4, 2), (train.Count, test.Count));
        Assert.Equal([2f, 3f, 4f], train.FeaturesOf(0).ToArray());
        Assert.Equal([5f], train.ValuesOf(0).ToArray());
        Assert.Equal([7f, 8f, 9f], test.FeaturesOf(1).ToArray());
        Assert.Equal([10f], test.ValuesOf(1).ToArray());
    }

    [Fact]
    public void Differenced_normalisers_are_fitted_on_the_training_changes()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("s.csv", "v\n1\n3\n6\n10\n15\n21\n28\n36\n45\n55\n");
        var spec = new WideSeriesSpec(["v"], ["v"], 3, 1, SequenceTargetKind.ValuesPerSequence, Difference: true);

        var series = WideTimeSeries.Read(path, spec, validationFraction: 0, testFraction: 0.2, normalize: true);

        // Feature changes of training rows 1..7: 2..8 (mean 5); the training windows' target changes: 5, 6, 7, 8.
        Assert.Equal(5.0, series.Features!.Mean[0], 12);
        Assert.Equal(6.5, series.Targets!.Mean[0], 12);
        Assert.Equal(10.0, series.Targets.Inverse(0, series.Data.Test!.ValuesOf(1)[0]), 5);
    }
}
