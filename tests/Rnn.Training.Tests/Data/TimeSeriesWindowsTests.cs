using Rnn.Training.Data;

namespace Rnn.Training.Tests.Data;

public sealed class TimeSeriesWindowsTests
{
    [Fact]
    public void Normalisation_is_fitted_on_the_train_part_only()
    {
        // Train part (first 8) alternates 1, 3: mean 2, population std 1. The test part is far away at 100.
        double[] series = [1, 3, 1, 3, 1, 3, 1, 3, 100, 100];

        var windows = TimeSeriesWindows.Create(series, window: 2, horizon: 1, testFraction: 0.2);

        Assert.Equal(8, windows.TrainLength);
        Assert.Equal(2.0, windows.Mean);
        Assert.Equal(1.0, windows.Std);
        Span<float> input = stackalloc float[2];
        Span<float> target = stackalloc float[1];
        windows.CopyTestSample(1, input, target);
        Assert.Equal([1f, 98f], input.ToArray());
        Assert.Equal(98f, target[0]);
        Assert.Equal(100.0, windows.Denormalize(target[0]));
    }

    [Fact]
    public void A_constant_train_part_uses_std_one()
    {
        double[] series = [5, 5, 5, 5, 5, 5, 5, 7, 9, 11];

        var windows = TimeSeriesWindows.Create(series, window: 2, horizon: 1, testFraction: 0.3);

        Assert.Equal(5.0, windows.Mean);
        Assert.Equal(1.0, windows.Std);
    }

    [Fact]
    public void A_tiny_series_gives_the_expected_counts_and_windows()
    {
        // 0..9, test part 3 values (7, 8, 9), train part 0..6: mean 3, population std 2.
        double[] series = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

        var windows = TimeSeriesWindows.Create(series, window: 3, horizon: 2, testFraction: 0.3);

        Assert.Equal((7, 3.0, 2.0), (windows.TrainLength, windows.Mean, windows.Std));
        Assert.Equal(3, windows.TrainCount); // starts 0, 1, 2: the last target is x[6]
        Assert.Equal(2, windows.TestCount);  // targets (7, 8) and (8, 9)

        AssertSample([0.0, 1, 2], [3.0, 4], Train(windows, 0));
        AssertSample([2.0, 3, 4], [5.0, 6], Train(windows, 2));
        AssertSample([4.0, 5, 6], [7.0, 8], Test(windows, 0));
        AssertSample([5.0, 6, 7], [8.0, 9], Test(windows, 1));

        Span<float> input = stackalloc float[3];
        Span<float> target = stackalloc float[2];
        windows.CopyTrainSample(0, input, target);
        Assert.Equal([-1.5f, -1f, -0.5f], input.ToArray());
        Assert.Equal([0f, 0.5f], target.ToArray());
    }

    [Fact]
    public void Sample_indices_and_span_lengths_are_checked()
    {
        var windows = TimeSeriesWindows.Create([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], window: 3, horizon: 2, testFraction: 0.3);
        var input = new float[3];
        var target = new float[2];

        Assert.Throws<ArgumentOutOfRangeException>(() => windows.CopyTrainSample(3, input, target));
        Assert.Throws<ArgumentOutOfRangeException>(() => windows.CopyTestSample(-1, input, target));
        Assert.Throws<ArgumentException>(() => windows.CopyTrainSample(0, new float[2], target));
        Assert.Throws<ArgumentException>(() => windows.CopyTestSample(0, input, new float[3]));
    }

    [Fact]
    public void A_series_too_short_for_one_train_and_one_test_window_says_the_numbers()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TimeSeriesWindows.Create(new double[20], window: 12, horizon: 6, testFraction: 0.2));

        Assert.Contains("20 values", error.Message);
        Assert.Contains("train part of 16 and a test part of 4", error.Message);
        Assert.Contains("window 12 + horizon 6", error.Message);
        Assert.Contains("at least 18", error.Message);
    }

    [Theory]
    [InlineData(0, 1, 0.2)]
    [InlineData(1, 0, 0.2)]
    [InlineData(1, 1, 0.0)]
    [InlineData(1, 1, 1.0)]
    public void Non_positive_window_or_horizon_and_bad_fractions_are_rejected(int window, int horizon, double testFraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            TimeSeriesWindows.Create(new double[100], window, horizon, testFraction));
    }

    [Fact]
    public void A_non_finite_value_is_rejected_with_its_index()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TimeSeriesWindows.Create([1, 2, double.NaN, 4, 5, 6, 7, 8, 9, 10], 2, 1, 0.2));

        Assert.Contains("value 2", error.Message);
    }

    [Fact]
    public void Windows_over_the_real_co2_series_denormalise_back_to_the_data()
    {
        var values = CsvTimeSeries.ReadColumn(RepositoryPaths.DataFile("timeseries", "co2-concentration.csv"), "CO2");

        var windows = TimeSeriesWindows.Create(values, window: 24, horizon: 1);

        var trainLength = values.Length - (int)Math.Floor(values.Length * 0.2);
        Assert.Equal(trainLength - 24, windows.TrainCount);
        Assert.Equal(values.Length - trainLength, windows.TestCount);
        var (lastInput, lastTarget) = Test(windows, windows.TestCount - 1);
        Assert.Equal(values[^1], lastTarget[0], 1e-3);
        Assert.Equal(values[^25], lastInput[0], 1e-3);
    }

    private static void AssertSample(double[] expectedInput, double[] expectedTarget, (double[] Input, double[] Target) actual)
    {
        Assert.Equal(expectedInput.Length, actual.Input.Length);
        Assert.Equal(expectedTarget.Length, actual.Target.Length);
        for (var i = 0; i < expectedInput.Length; i++) Assert.Equal(expectedInput[i], actual.Input[i], 1e-6);
        for (var i = 0; i < expectedTarget.Length; i++) Assert.Equal(expectedTarget[i], actual.Target[i], 1e-6);
    }

    private static (double[] Input, double[] Target) Train(TimeSeriesWindows windows, int index)
    {
        var input = new float[windows.Window];
        var target = new float[windows.Horizon];
        windows.CopyTrainSample(index, input, target);
        return (Denormalize(windows, input), Denormalize(windows, target));
    }

    private static (double[] Input, double[] Target) Test(TimeSeriesWindows windows, int index)
    {
        var input = new float[windows.Window];
        var target = new float[windows.Horizon];
        windows.CopyTestSample(index, input, target);
        return (Denormalize(windows, input), Denormalize(windows, target));
    }

    private static double[] Denormalize(TimeSeriesWindows windows, float[] values) =>
        values.Select(v => windows.Denormalize(v)).ToArray();
}
