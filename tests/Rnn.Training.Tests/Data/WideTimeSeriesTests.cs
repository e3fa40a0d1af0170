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
}
