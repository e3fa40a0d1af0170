namespace Rnn.Training.Data;

/// <summary>
/// Forecasting samples cut from one series: input x[t..t+W) (one feature per step), target x[t+W..t+W+H).
/// The series is split chronologically: the first part trains, the rest tests. Mean and (population) standard
/// deviation are fitted on the training part only and applied to the whole series, so nothing about the test
/// period leaks into training. Training windows lie wholly in the training part; test windows have their targets
/// in the test part, while their inputs may reach back into the training part, as a live forecaster's would.
/// </summary>
public sealed class TimeSeriesWindows
{
    private readonly float[] _normalized;

    private TimeSeriesWindows(float[] normalized, int window, int horizon, int trainLength, int validationLength, double mean, double std)
    {
        ValidationLength = validationLength;
        ValidationCount = validationLength == 0 ? 0 : validationLength - horizon + 1;
        _normalized = normalized;
        Window = window;
        Horizon = horizon;
        TrainLength = trainLength;
        Mean = mean;
        Std = std;
        TrainCount = trainLength - window - horizon + 1;
        TestCount = normalized.Length - trainLength - validationLength - horizon + 1;
    }

    /// <summary>Values of the validation part, which follows the training part (0 without a validation fraction).</summary>
    public int ValidationLength { get; }

    /// <summary>Validation samples: their targets lie wholly in the validation part, their inputs may reach back.</summary>
    public int ValidationCount { get; }

    /// <summary>Input steps per sample (W).</summary>
    public int Window { get; }

    /// <summary>Target steps per sample (H).</summary>
    public int Horizon { get; }

    /// <summary>Values in the whole series.</summary>
    public int Length => _normalized.Length;

    /// <summary>Values in the training part (the first TrainLength of the series).</summary>
    public int TrainLength { get; }

    /// <summary>Mean of the training part.</summary>
    public double Mean { get; }

    /// <summary>Population standard deviation of the training part, or 1 if that is 0 (a constant series).</summary>
    public double Std { get; }

    public int TrainCount { get; }
    public int TestCount { get; }

    /// <param name="values">The series, oldest first; every value finite.</param>
    /// <param name="window">Input steps W, at least 1.</param>
    /// <param name="horizon">Target steps H, at least 1.</param>
    /// <param name="testFraction">Share of the series, from the end, held out for test: 0 &lt; f &lt; 1.</param>
    /// <param name="validationFraction">Share held out for validation, just before the test part (0: none).</param>
    public static TimeSeriesWindows Create(double[] values, int window, int horizon, double testFraction = 0.2, double validationFraction = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in (0, 1)");
        for (var i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"value {i} of the series is {values[i]}; all values must be finite", nameof(values));

        if (!(validationFraction >= 0 && testFraction + validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validationFraction must be >= 0 with test + validation below 1");
        var testLength = (int)Math.Floor(values.Length * testFraction);
        var validationLength = (int)Math.Floor(values.Length * validationFraction);
        var trainLength = values.Length - testLength - validationLength;
        // Long arithmetic: window + horizon may overflow int for absurd arguments.
        var trainNeeded = (long)window + horizon;
        if (trainLength < trainNeeded || testLength < horizon)
            throw new ArgumentException(
                $"series too short: {values.Length} values with testFraction {testFraction} give a train part of " +
                $"{trainLength} and a test part of {testLength}; window {window} + horizon {horizon} needs a train part " +
                $"of at least {trainNeeded} and a test part of at least {horizon} (one sample each)", nameof(values));
        if (validationFraction > 0 && validationLength < horizon)
            throw new ArgumentException(
                $"series too short: {values.Length} values with validationFraction {validationFraction} give a validation part of " +
                $"{validationLength}, fewer than the horizon {horizon} (one sample)", nameof(values));

        var (mean, std) = FitNormalization(values.AsSpan(0, trainLength));
        var normalized = new float[values.Length];
        for (var i = 0; i < values.Length; i++) normalized[i] = (float)((values[i] - mean) / std);
        return new TimeSeriesWindows(normalized, window, horizon, trainLength, validationLength, mean, std);
    }

    /// <summary>Copies training sample <paramref name="index"/>: W normalised inputs and H normalised targets.</summary>
    public void CopyTrainSample(int index, Span<float> input, Span<float> target)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, TrainCount);
        CopySample(index, input, target);
    }

    /// <summary>Copies test sample <paramref name="index"/>; its targets start at TrainLength + ValidationLength + index.</summary>
    public void CopyTestSample(int index, Span<float> input, Span<float> target)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, TestCount);
        CopySample(TrainLength + ValidationLength - Window + index, input, target);
    }

    /// <summary>Copies validation sample <paramref name="index"/>; its targets start at TrainLength + index.</summary>
    public void CopyValidationSample(int index, Span<float> input, Span<float> target)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ValidationCount);
        CopySample(TrainLength - Window + index, input, target);
    }

    /// <summary>A normalised value (an input, target or prediction) back in the series' units.</summary>
    public double Denormalize(float value) => value * Std + Mean;

    private void CopySample(int start, Span<float> input, Span<float> target)
    {
        if (input.Length != Window)
            throw new ArgumentException($"input has length {input.Length}, expected the window {Window}", nameof(input));
        if (target.Length != Horizon)
            throw new ArgumentException($"target has length {target.Length}, expected the horizon {Horizon}", nameof(target));
        _normalized.AsSpan(start, Window).CopyTo(input);
        _normalized.AsSpan(start + Window, Horizon).CopyTo(target);
    }

    private static (double Mean, double Std) FitNormalization(ReadOnlySpan<double> train)
    {
        var sum = 0.0;
        foreach (var v in train) sum += v;
        var mean = sum / train.Length;
        // Two passes rather than sum of squares: no cancellation for series far from zero (CO2 sits near 350).
        var squares = 0.0;
        foreach (var v in train) squares += (v - mean) * (v - mean);
        var std = Math.Sqrt(squares / train.Length);
        return (mean, std == 0 ? 1.0 : std);
    }
}
