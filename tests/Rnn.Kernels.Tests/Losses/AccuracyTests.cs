using Rnn.Kernels.Losses;

namespace Rnn.Kernels.Tests.Losses;

public sealed class AccuracyTests
{
    [Fact]
    public void CountsRowsWhoseArgmaxIsTheLabel()
    {
        float[] logits =
        [
            0.1f, 0.7f, 0.2f, // argmax 1
            2f, -1f, 0f,      // argmax 0
            -3f, -2f, -1f,    // argmax 2
        ];

        Assert.Equal(2, Accuracy.CountCorrect(logits, 3, 3, [1, 0, 0]));
        Assert.Equal(3, Accuracy.CountCorrect(logits, 3, 3, [1, 0, 2]));
        Assert.Equal(0, Accuracy.CountCorrect(logits, 3, 3, [2, 2, 0]));
    }

    [Fact]
    public void TiesGoToTheFirstMaximalClass()
    {
        float[] logits = [0.5f, 0.9f, 0.9f, 0.9f];

        Assert.Equal(1, Accuracy.ArgMax(logits));
        Assert.Equal(1, Accuracy.CountCorrect(logits, 1, 4, [1]));
        Assert.Equal(0, Accuracy.CountCorrect(logits, 1, 4, [2]));
        Assert.Equal(0, Accuracy.CountCorrect(logits, 1, 4, [3]));
    }

    [Fact]
    public void IgnoredRowsAreNotCountedAndBadLabelsThrow()
    {
        float[] logits = [1f, 0f, 0f, 1f];

        Assert.Equal(1, Accuracy.CountCorrect(logits, 2, 2, [SoftmaxCrossEntropy.IgnoreLabel, 1]));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Accuracy.CountCorrect(logits, 2, 2, [0, 2]));
        Assert.Contains("row 1", error.Message);
    }

    [Fact]
    public void VectorArgMaxAgreesWithTheScalarScanOnTiesZerosAndNaNs()
    {
        static int Scalar(float[] v)
        {
            var best = 0;
            for (var j = 1; j < v.Length; j++)
                if (v[j] > v[best]) best = j;
            return best;
        }
        var random = new Random(22);
        for (var length = 1; length <= 40; length++)
            for (var trial = 0; trial < 30; trial++)
            {
                // few distinct values, so ties are common; signed zeros, infinities and NaNs among them
                float[] pool = [-1f, 0f, -0f, 0.5f, 2f, float.NegativeInfinity, float.PositiveInfinity, float.NaN];
                var values = Enumerable.Range(0, length)
                    .Select(_ => pool[random.Next(trial % 3 == 0 ? pool.Length : 5)]).ToArray();
                Assert.True(Scalar(values) == Accuracy.ArgMax(values), string.Join(", ", values));
            }
    }
}
