using Rnn.Kernels.Losses;

namespace Rnn.Kernels.Tests.Losses;

public sealed class MeanSquaredErrorTests
{
    [Fact]
    public void ReturnsTheSumOfSquaredErrorsAndTwiceTheScaledError()
    {
        var dPredictions = new float[3];

        var loss = MeanSquaredError.Compute([1f, 2f, 3f], [0f, 2f, 5f], dPredictions, gradScale: 1f / 3f);

        Assert.Equal(5f, loss);
        Assert.Equal(2f / 3f, dPredictions[0], 1e-7f);
        Assert.Equal(0f, dPredictions[1]);
        Assert.Equal(-4f / 3f, dPredictions[2], 1e-7f);
    }

    [Fact]
    public void GradientMatchesCentralFiniteDifferencesOfTheLoss()
    {
        float[] predictions = [0.5f, -1.25f, 2f, 0f];
        float[] targets = [1f, -1f, -0.5f, 0.75f];
        var dPredictions = new float[4];
        MeanSquaredError.Compute(predictions, targets, dPredictions, 0.25f);

        for (var i = 0; i < predictions.Length; i++)
        {
            var shifted = (float[])predictions.Clone();
            shifted[i] += 1e-2f;
            var up = MeanSquaredError.Compute(shifted, targets) * 0.25;
            shifted[i] -= 2e-2f;
            var down = MeanSquaredError.Compute(shifted, targets) * 0.25;
            Assert.Equal((up - down) / 2e-2, dPredictions[i], 1e-4);
        }
    }

    [Fact]
    public void ForwardOnlyOverloadAgreesAndShapesMustMatch()
    {
        Assert.Equal(5f, MeanSquaredError.Compute([1f, 2f, 3f], [0f, 2f, 5f]));
        Assert.Throws<ArgumentException>(() => MeanSquaredError.Compute([1f, 2f], [1f]));
        Assert.Throws<ArgumentException>(() => MeanSquaredError.Compute([1f, 2f], [1f, 2f], new float[1], 1f));
    }
}
