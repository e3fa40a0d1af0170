using Rnn.Training.Data;

namespace Rnn.Training.Batches;

/// <summary>Turns the data readers' results into <see cref="SampleSet"/>s the batch sources and evaluation read.</summary>
public static class SampleSetFactory
{
    /// <summary>MNIST rows as steps: [N, 28 steps, 28 features], integer labels.</summary>
    public static SampleSet FromMnist(MnistDataset data) =>
        new(data.Pixels, data.Rows, data.Cols, data.Labels, [], 0);

    /// <summary>Forecasting windows of one split: [N, window, 1] inputs, [N, horizon] normalised targets.</summary>
    public static SampleSet FromWindows(TimeSeriesWindows windows, bool test)
    {
        var count = test ? windows.TestCount : windows.TrainCount;
        var features = new float[count * windows.Window];
        var targets = new float[count * windows.Horizon];
        for (var i = 0; i < count; i++)
        {
            var input = features.AsSpan(i * windows.Window, windows.Window);
            var target = targets.AsSpan(i * windows.Horizon, windows.Horizon);
            if (test) windows.CopyTestSample(i, input, target);
            else windows.CopyTrainSample(i, input, target);
        }
        return new SampleSet(features, windows.Window, 1, [], targets, windows.Horizon);
    }
}
