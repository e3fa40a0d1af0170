using Rnn.Kernels.Losses;
using Rnn.Kernels.Tests.Optimizers;

namespace Rnn.Kernels.Tests.Losses;

public sealed class SoftmaxCrossEntropyTests
{
    [Fact]
    public void LossAndGradientOfOneRowMatchHandComputedValues()
    {
        // softmax(1, 2, 3) = (0.0900306, 0.2447285, 0.6652410); loss = log(e + e² + e³) − 3 = 0.4076059
        var dLogits = new float[3];

        var loss = SoftmaxCrossEntropy.Compute([1f, 2f, 3f], 1, 3, [2], dLogits, gradScale: 1f);

        Assert.Equal(0.40760596f, loss, 1e-7f);
        Assert.Equal(0.09003057f, dLogits[0], 1e-7f);
        Assert.Equal(0.24472847f, dLogits[1], 1e-7f);
        Assert.Equal(0.66524096f - 1f, dLogits[2], 1e-7f);
    }

    [Fact]
    public void LossIsTheSumOverRowsAndGradScaleScalesTheGradient()
    {
        // Row 0: uniform over 2 classes, loss ln 2, gradient (−½, ½); row 1: softmax(0, ln 3) = (¼, ¾), loss −ln ¾
        var dLogits = new float[4];

        var loss = SoftmaxCrossEntropy.Compute([5f, 5f, 0f, MathF.Log(3f)], 2, 2, [0, 1], dLogits, gradScale: 0.5f);

        Assert.Equal(Math.Log(2) - Math.Log(0.75), loss, 1e-6);
        Assert.Equal([-0.25f, 0.25f, 0.125f, -0.125f], dLogits.Select(d => MathF.Round(d, 6)));
    }

    [Fact]
    public void ForwardOnlyOverloadReturnsTheSameLoss()
    {
        var logits = OptimizerTestData.Uniform(4 * 7, seed: 31, scale: 4f);
        int[] labels = [0, 6, 3, 3];

        var withGradient = SoftmaxCrossEntropy.Compute(logits, 4, 7, labels, new float[28], 1f);
        var forwardOnly = SoftmaxCrossEntropy.Compute(logits, 4, 7, labels);

        Assert.Equal(withGradient, forwardOnly);
    }

    [Fact]
    public void HugeLogitsAreStableBecauseEachRowIsShiftedByItsMax()
    {
        var dLogits = new float[3];

        var loss = SoftmaxCrossEntropy.Compute([1000f, 1000f, -1000f], 1, 3, [0], dLogits, 1f);

        Assert.Equal(MathF.Log(2f), loss, 1e-6f);
        Assert.Equal([-0.5f, 0.5f, 0f], dLogits);
    }

    [Fact]
    public void GradientMatchesCentralFiniteDifferencesOfTheLoss()
    {
        const int rows = 3, classes = 5;
        var logits = OptimizerTestData.Uniform(rows * classes, seed: 17, scale: 2f);
        int[] labels = [4, 0, 2];
        var dLogits = new float[rows * classes];
        SoftmaxCrossEntropy.Compute(logits, rows, classes, labels, dLogits, gradScale: 1f / rows);

        const float h = 1e-2f;
        for (var i = 0; i < logits.Length; i++)
        {
            var shifted = (float[])logits.Clone();
            shifted[i] = logits[i] + h;
            var up = SoftmaxCrossEntropy.Compute(shifted, rows, classes, labels) / rows;
            shifted[i] = logits[i] - h;
            var down = SoftmaxCrossEntropy.Compute(shifted, rows, classes, labels) / rows;
            var numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - dLogits[i]) < 2e-4, $"dLogits[{i}] = {dLogits[i]}, finite difference {numeric}");
        }
    }

    [Fact]
    public void IgnoredRowsAddNoLossAndGetZeroGradient()
    {
        var dLogits = Enumerable.Repeat(9f, 6).ToArray();
        int[] labels = [SoftmaxCrossEntropy.IgnoreLabel, 1];

        var loss = SoftmaxCrossEntropy.Compute([1f, 2f, 3f, 0f, 0f, 0f], 2, 3, labels, dLogits, 1f);

        Assert.Equal(MathF.Log(3f), loss, 1e-6f);
        Assert.Equal([0f, 0f, 0f], dLogits[..3]);
        Assert.Equal(1, SoftmaxCrossEntropy.CountLabelled(labels));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-2)]
    public void LabelOutsideTheClassesThrowsNamingRowAndLabel(int badLabel)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => SoftmaxCrossEntropy.Compute(new float[10], 2, 5, [0, badLabel], new float[10], 1f));

        Assert.Contains("row 1", error.Message);
        Assert.Contains($"label {badLabel}", error.Message);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Compute(new float[9], 2, 5, [0, 1]));
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Compute(new float[10], 2, 5, [0]));
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Compute(new float[10], 2, 5, [0, 1], new float[9], 1f));
    }

    [Fact]
    public void SoftmaxRowsSumToOneAndFollowTheLogits()
    {
        var probabilities = new float[6];

        SoftmaxCrossEntropy.Softmax([1f, 2f, 3f, -50f, 0f, 50f], 2, 3, probabilities);

        Assert.Equal(0.09003057f, probabilities[0], 1e-7f);
        Assert.Equal(0.24472847f, probabilities[1], 1e-7f);
        Assert.Equal(0.66524096f, probabilities[2], 1e-7f);
        Assert.Equal(1f, probabilities[5], 1e-7f);
        Assert.Equal(1.0, probabilities[3] + probabilities[4] + (double)probabilities[5], 1e-7);
    }

    [Fact]
    public void PortableExpAgreesWithMathExpToAFewUlps()
    {
        for (var x = -745.0; x <= 709.0; x += 0.37)
        {
            // Below e^-708 results are subnormal and carry fewer bits: allow one subnormal step there.
            var expected = Math.Exp(x);
            Assert.True(Math.Abs(PortableExp.Exp(x) - expected) <= 4e-16 * expected + double.Epsilon, $"exp({x})");
        }
        Assert.Equal(1.0, PortableExp.Exp(0.0));
        Assert.Equal(0.0, PortableExp.Exp(-800.0));
        Assert.Equal(double.PositiveInfinity, PortableExp.Exp(800.0));
        Assert.True(double.IsNaN(PortableExp.Exp(double.NaN)));
    }
}
