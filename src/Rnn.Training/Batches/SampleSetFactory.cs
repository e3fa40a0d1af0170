using Rnn.Training.Data;
using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Batches;

/// <summary>Turns the data readers' results into <see cref="SampleSet"/>s the batch sources and evaluation read.</summary>
public static class SampleSetFactory
{
    /// <summary>MNIST rows as steps: [N, 28 steps, 28 features], integer labels.</summary>
    public static SampleSet FromMnist(MnistDataset data) =>
        new(data.Pixels, data.Rows, data.Cols, data.Labels, [], 0);

    /// <summary>Forecasting windows of one split: [N, window, 1] inputs, [N, horizon] normalised targets.</summary>
    public static SampleSet FromWindows(TimeSeriesWindows windows, bool test) =>
        FromWindows(windows, test ? windows.TestCount : windows.TrainCount, test ? windows.CopyTestSample : windows.CopyTrainSample);

    /// <summary>The validation windows (between the training and the test part).</summary>
    public static SampleSet FromValidationWindows(TimeSeriesWindows windows) =>
        FromWindows(windows, windows.ValidationCount, windows.CopyValidationSample);

    private delegate void CopyWindow(int index, Span<float> input, Span<float> target);

    private static SampleSet FromWindows(TimeSeriesWindows windows, int count, CopyWindow copy)
    {
        var features = new float[count * windows.Window];
        var targets = new float[count * windows.Horizon];
        for (var i = 0; i < count; i++)
        {
            var input = features.AsSpan(i * windows.Window, windows.Window);
            var target = targets.AsSpan(i * windows.Horizon, windows.Horizon);
            copy(i, input, target);
        }
        return new SampleSet(features, windows.Window, 1, [], targets, windows.Horizon);
    }

    /// <summary>
    /// Sequences padded to <paramref name="steps"/>: features or tokens zero after each sequence's end, per-step
    /// targets likewise (the loss skips them), and the lengths when <paramref name="variableLength"/>. When every
    /// sequence already has all <paramref name="steps"/> steps, the set takes over <paramref name="data"/>'s feature
    /// array instead of copying it (a shard's partition is held once, not twice): do not change the data afterwards.
    /// </summary>
    public static SampleSet FromSequences(SequenceDataset data, int steps, bool variableLength)
    {
        ArgumentNullException.ThrowIfNull(data);
        var n = data.Count;
        var f = data.Features;
        var perStep = data.TargetKind.IsPerStep();
        var k = data.TargetKind.IsClass() ? 0 : data.TargetWidth;
        var rows = perStep ? steps : 1;
        var unpadded = !data.IsTokens && data.TotalSteps == (long)n * steps;
        var features = data.IsTokens ? [] : unpadded ? data.FeatureArray : new float[(long)n * steps * f];
        var tokens = data.IsTokens ? new int[n * steps] : [];
        var labels = k == 0 ? new int[n * rows] : [];
        var targets = k > 0 ? new float[(long)n * rows * k] : [];
        var lengths = variableLength ? new int[n] : null;
        for (var i = 0; i < n; i++)
        {
            var length = data.Length(i);
            if (length > steps)
                throw new DataFormatException(data.Source, $"{data.Describe(i)} has {length} steps, more than the window of {steps}");
            if (!variableLength && length != steps)
                throw new DataFormatException(data.Source, $"{data.Describe(i)} has {length} steps where every sample needs {steps}");
            if (lengths is not null) lengths[i] = length;
            if (data.IsTokens) data.TokensOf(i).CopyTo(tokens.AsSpan(i * steps));
            else if (!unpadded) data.FeaturesOf(i).CopyTo(features.AsSpan(i * steps * f));
            switch (data.TargetKind)
            {
                case SequenceTargetKind.ClassPerSequence: labels[i] = data.ClassOf(i); break;
                case SequenceTargetKind.ValuesPerSequence: data.ValuesOf(i).CopyTo(targets.AsSpan(i * k)); break;
                case SequenceTargetKind.ClassPerStep: data.StepClassesOf(i).CopyTo(labels.AsSpan(i * steps)); break;
                default: data.StepValuesOf(i).CopyTo(targets.AsSpan(i * steps * k)); break;
            }
        }
        return new SampleSet(features, tokens, steps, f, labels, targets, k, perStep, lengths);
    }
}
