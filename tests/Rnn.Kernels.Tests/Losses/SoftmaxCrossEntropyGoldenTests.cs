using Rnn.Kernels.Losses;
using Rnn.Kernels.Tests.Optimizers;

namespace Rnn.Kernels.Tests.Losses;

/// <summary>The mean cross-entropy of the golden models' logits against libtorch's loss.</summary>
public sealed class SoftmaxCrossEntropyGoldenTests
{
    public static TheoryData<string> ModelCases() => GoldenSafetensors.ModelCases();

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void MeanLossOfGoldenLogitsMatchesLibtorch(string fileName)
    {
        var golden = GoldenSafetensors.Open(fileName);
        var logits = golden.Floats("logits");
        var shape = golden.Shape("logits");
        var labels = golden.Int64s("labels").Select(l => checked((int)l)).ToArray();
        var expectedLoss = golden.Floats("loss")[0];
        Assert.Equal(2, shape.Length);
        Assert.Equal(3, shape[0]);

        var loss = SoftmaxCrossEntropy.Compute(logits, shape[0], shape[1], labels) / shape[0];

        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-6, $"{fileName}: loss {loss:R}, libtorch {expectedLoss:R}");
    }
}
