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
}
