using Rnn.Kernels.Optimizers;

namespace Rnn.Kernels.Tests.Optimizers;

public sealed class SgdOptimizerTests
{
    [Fact]
    public void PlainSgdSubtractsLearningRateTimesGradient()
    {
        var parameters = new[] { 1f, -1f };
        var sgd = new SgdOptimizer(2);

        sgd.Step(parameters, [0.5f, -2f], learningRate: 0.1);

        Assert.Equal(0.95f, parameters[0], 1e-7f);
        Assert.Equal(-0.8f, parameters[1], 1e-7f);
        Assert.Empty(sgd.ExportState().Buffers);
    }

    [Fact]
    public void MomentumBufferStartsAsTheGradientThenAccumulates()
    {
        // buf: 1, 1.9, 2.71; p: 1 − 0.1, − 0.19, − 0.271
        var parameters = new[] { 1f };
        var sgd = new SgdOptimizer(1, momentum: 0.9);
        var trajectory = new List<float>();

        for (var step = 0; step < 3; step++)
        {
            sgd.Step(parameters, [1f], learningRate: 0.1);
            trajectory.Add(parameters[0]);
        }

        Assert.Equal(0.9f, trajectory[0], 1e-6f);
        Assert.Equal(0.71f, trajectory[1], 1e-6f);
        Assert.Equal(0.439f, trajectory[2], 1e-6f);
        Assert.Equal(2.71f, sgd.ExportState().Buffers[SgdOptimizer.MomentumBufferName][0], 1e-6f);
    }

    [Fact]
    public void NesterovStepsAlongGradientPlusMomentumTimesBuffer()
    {
        // step 1: buf = 1, g' = 1 + 0.9 = 1.9; step 2: buf = 1.9, g' = 1 + 0.9 · 1.9 = 2.71
        var parameters = new[] { 1f };
        var sgd = new SgdOptimizer(1, momentum: 0.9, nesterov: true);

        sgd.Step(parameters, [1f], learningRate: 0.1);
        var afterFirst = parameters[0];
        sgd.Step(parameters, [1f], learningRate: 0.1);

        Assert.Equal(0.81f, afterFirst, 1e-6f);
        Assert.Equal(0.539f, parameters[0], 1e-6f);
    }

    [Fact]
    public void WeightDecayAddsDecayTimesParameterToTheGradient()
    {
        var parameters = new[] { 2f };
        var sgd = new SgdOptimizer(1, weightDecay: 0.5);

        sgd.Step(parameters, [0f], learningRate: 0.1);

        Assert.Equal(1.9f, parameters[0], 1e-7f);
    }

    [Fact]
    public void NesterovWithoutMomentumIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new SgdOptimizer(3, momentum: 0, nesterov: true));
        Assert.Contains("momentum > 0", error.Message);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(16)]
    public void TwoBlocksGiveTheSameBitsAsTheWholeVector(int split)
    {
        const int length = 35;
        var whole = OptimizerTestData.Uniform(length, seed: 4);
        var blocks = (float[])whole.Clone();
        var wholeSgd = new SgdOptimizer(length, 0.9, nesterov: true, weightDecay: 0.01);
        var first = new SgdOptimizer(split, 0.9, nesterov: true, weightDecay: 0.01);
        var second = new SgdOptimizer(length - split, 0.9, nesterov: true, weightDecay: 0.01);

        OptimizerTestData.RunBlock(wholeSgd, whole, 0, 0, 6, 0.05f);
        OptimizerTestData.RunBlock(first, blocks, 0, 0, 6, 0.05f);
        OptimizerTestData.RunBlock(second, blocks, split, 0, 6, 0.05f);

        Assert.Equal(OptimizerTestData.Bits(whole), OptimizerTestData.Bits(blocks));
    }

    [Fact]
    public void VectorBodyAndScalarTailGiveTheSameBitsAsAnElementwiseFloat32Loop()
    {
        const int length = 27;
        var parameters = OptimizerTestData.Uniform(length, seed: 8);
        var expected = (float[])parameters.Clone();
        var buffer = new float[length];
        var sgd = new SgdOptimizer(length, momentum: 0.8, nesterov: true, weightDecay: 0.02);

        for (var step = 0; step < 5; step++)
        {
            var gradients = OptimizerTestData.GradientsForStep(length, step);
            sgd.Step(parameters, gradients, 0.05);
            for (var i = 0; i < length; i++)
            {
                var g = gradients[i] + 0.02f * expected[i];
                buffer[i] = step == 0 ? g : buffer[i] * 0.8f + g;
                g += 0.8f * buffer[i];
                expected[i] += -0.05f * g;
            }
        }

        Assert.Equal(OptimizerTestData.Bits(expected), OptimizerTestData.Bits(parameters));
    }

    [Fact]
    public void ExportedMomentumStateResumesBitIdentically()
    {
        const int length = 12;
        var uninterrupted = OptimizerTestData.Uniform(length, seed: 6);
        var resumed = (float[])uninterrupted.Clone();
        var sgd = new SgdOptimizer(length, momentum: 0.9);
        var beforeCheckpoint = new SgdOptimizer(length, momentum: 0.9);
        OptimizerTestData.RunBlock(sgd, uninterrupted, 0, 0, 3, 0.1f);
        OptimizerTestData.RunBlock(beforeCheckpoint, resumed, 0, 0, 3, 0.1f);

        var restored = new SgdOptimizer(length, momentum: 0.9);
        restored.ImportState(beforeCheckpoint.ExportState());
        OptimizerTestData.RunBlock(sgd, uninterrupted, 0, 3, 4, 0.1f);
        OptimizerTestData.RunBlock(restored, resumed, 0, 3, 4, 0.1f);

        Assert.Equal(OptimizerTestData.Bits(uninterrupted), OptimizerTestData.Bits(resumed));
        Assert.Equal(7, restored.StepCount);
    }
}
