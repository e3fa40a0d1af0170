using Rnn.Kernels.Layers;
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

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(16)]
    [InlineData(25)]
    [InlineData(84)]
    [InlineData(100)]
    public void VectorSoftmaxAgreesWithADoubleReference(int classes)
    {
        const int rows = 40;
        var logits = OptimizerTestData.Uniform(rows * classes, seed: 7 + (ulong)classes, scale: 12f);
        var labels = Enumerable.Range(0, rows).Select(r => (r * 7) % classes).ToArray();
        var dLogits = new float[rows * classes];
        var probabilities = new float[rows * classes];

        var loss = SoftmaxCrossEntropy.Compute(logits, rows, classes, labels, dLogits, gradScale: 0.25f);
        SoftmaxCrossEntropy.Softmax(logits, rows, classes, probabilities);

        var expectedLoss = 0.0;
        for (var r = 0; r < rows; r++)
        {
            var x = logits.AsSpan(r * classes, classes).ToArray();
            var max = x.Max();
            var sum = x.Sum(v => Math.Exp(v - (double)max));
            expectedLoss += Math.Log(sum) + max - x[labels[r]];
            for (var j = 0; j < classes; j++)
            {
                var p = Math.Exp(x[j] - (double)max) / sum;
                // single-precision exp and sum: a few float ulps of 1
                Assert.True(Math.Abs(probabilities[r * classes + j] - p) <= 4e-7, $"p[{r},{j}] {probabilities[r * classes + j]} vs {p}");
                var d = (j == labels[r] ? p - 1 : p) * 0.25;
                Assert.True(Math.Abs(dLogits[r * classes + j] - d) <= 1e-7, $"d[{r},{j}] {dLogits[r * classes + j]} vs {d}");
            }
            // the gradient is the probabilities, scaled, with 1 taken from the label's
            for (var j = 0; j < classes; j++)
                if (j != labels[r]) Assert.Equal(probabilities[r * classes + j] * 0.25f, dLogits[r * classes + j]);
        }
        Assert.Equal(expectedLoss, loss, Math.Abs(expectedLoss) * 1e-6);
    }

    [Fact]
    public void ANaNLogitMakesItsRowNaN()
    {
        var dLogits = new float[6];

        var loss = SoftmaxCrossEntropy.Compute([1f, float.NaN, 3f, 0f, 1f, 2f], 2, 3, [0, 2], dLogits, 1f);

        Assert.True(float.IsNaN(loss));
        Assert.All(dLogits[..3], d => Assert.True(float.IsNaN(d)));
        Assert.All(dLogits[3..], d => Assert.True(float.IsFinite(d)));
    }

    [Fact]
    public void The512BitAnd256BitPathsGiveTheSameBitsForEveryRowLength()
    {
        if (!Activations.Use512) return; // nothing to compare; InstructionSetDeterminismTests covers the whole stack
        for (var length = 1; length <= 100; length++)
        {
            var x = OptimizerTestData.Uniform(length, seed: 100 + (ulong)length, scale: 20f);
            var max = SoftmaxRows.Max(x);
            var wide = new float[length];
            var narrow = new float[length];

            var wideSum = SoftmaxRows.ExpSum512(x, max, wide, store: true);
            var narrowSum = SoftmaxRows.ExpSum256(x, max, narrow, store: true);

            Assert.Equal(BitConverter.SingleToInt32Bits(narrowSum), BitConverter.SingleToInt32Bits(wideSum));
            Assert.Equal(narrow.Select(BitConverter.SingleToInt32Bits), wide.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(narrowSum, SoftmaxRows.ExpSum512(x, max, default, store: false));
        }
    }

    [Fact]
    public void TheLossAndTheAccuracyAllocateNothing()
    {
        const int rows = 64, classes = 84;
        var logits = OptimizerTestData.Uniform(rows * classes, seed: 3, scale: 4f);
        var labels = Enumerable.Range(0, rows).Select(r => r % classes).ToArray();
        var dLogits = new float[rows * classes];
        var probabilities = new float[rows * classes];
        void Run()
        {
            SoftmaxCrossEntropy.Compute(logits, rows, classes, labels, dLogits, 1f / rows);
            SoftmaxCrossEntropy.Compute(logits, rows, classes, labels);
            SoftmaxCrossEntropy.Softmax(logits, rows, classes, probabilities);
            Accuracy.CountCorrect(logits, rows, classes, labels);
        }
        Run();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
