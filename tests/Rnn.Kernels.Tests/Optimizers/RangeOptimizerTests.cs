using Rnn.Kernels.Optimizers;

namespace Rnn.Kernels.Tests.Optimizers;

/// <summary>A block's step as disjoint ranges (the trainer's threads) against the whole block on one call.</summary>
public sealed class RangeOptimizerTests
{
    private const int Length = 1003; // vector bodies and a scalar tail, in ranges that cut through vectors

    public static TheoryData<string> Optimizers => ["adam", "adam-decay", "sgd-momentum", "sgd-nesterov-decay"];

    private static IRangeOptimizer Create(string name) => name switch
    {
        "adam" => new AdamOptimizer(Length),
        "adam-decay" => new AdamOptimizer(Length, beta1: 0.7, beta2: 0.99, weightDecay: 0.01),
        "sgd-momentum" => new SgdOptimizer(Length, momentum: 0.9),
        _ => new SgdOptimizer(Length, momentum: 0.8, nesterov: true, weightDecay: 0.001),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void RangesInAnyOrderGiveTheBitsOfTheWholeStep(string name)
    {
        var whole = Create(name);
        var ranged = Create(name);
        var expected = OptimizerTestData.Uniform(Length, seed: 5);
        var actual = (float[])expected.Clone();
        int[] cuts = [0, 7, 300, 301, 640, Length];
        for (var step = 0; step < 4; step++)
        {
            var gradients = OptimizerTestData.GradientsForStep(Length, step);
            whole.Step(expected, gradients, learningRate: 0.01);
            ranged.BeginStep(0.01);
            // Last range first, as another thread may take it.
            for (var r = cuts.Length - 2; r >= 0; r--)
            {
                int start = cuts[r], length = cuts[r + 1] - cuts[r];
                ranged.UpdateRange(actual.AsSpan(start, length), gradients.AsSpan(start, length), start);
            }
        }

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(whole.StepCount, ranged.StepCount);
        Assert.Equal(whole.ExportState().Buffers.Keys, ranged.ExportState().Buffers.Keys);
        foreach (var (key, buffer) in whole.ExportState().Buffers)
            Assert.Equal(buffer.Select(BitConverter.SingleToInt32Bits), ranged.ExportState().Buffers[key].Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void RangeOutsideTheBlockIsRefusedNamingIt()
    {
        var adam = new AdamOptimizer(10);
        adam.BeginStep(0.01);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => adam.UpdateRange(new float[4], new float[4], 8));
        Assert.Contains("[8, 12) is not inside the optimizer's 10 floats", error.Message, StringComparison.Ordinal);
    }
}
