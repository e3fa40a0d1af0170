using Rnn.Kernels.Optimizers;

namespace Rnn.Kernels.Tests.Optimizers;

public sealed class AdamOptimizerTests
{
    [Fact]
    public void FirstStepWithGradientHalfMovesParameterOneByExactlyTheLearningRate()
    {
        // m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25, so m̂ / (√v̂ + ε) = 1 − 2e-8 and p = 1 − 0.01 · that.
        var parameters = new[] { 1f };
        var adam = new AdamOptimizer(1);

        adam.Step(parameters, [0.5f], learningRate: 0.01);

        Assert.Equal(0.99f, parameters[0]);
        Assert.Equal(0.05f, adam.FirstMoment[0], 1e-9f);
        Assert.Equal(0.00025f, adam.SecondMoment[0], 1e-11f);
        Assert.Equal(1, adam.StepCount);
    }

    [Fact]
    public void FirstStepOfNegativeGradientMovesUpByTheLearningRate()
    {
        var parameters = new[] { -2f, 3f };
        var adam = new AdamOptimizer(2);

        adam.Step(parameters, [-4f, 1e-3f], learningRate: 0.1);

        // |m̂ / √v̂| = 1 for any non-tiny gradient on step one: every parameter moves by lr against its gradient.
        Assert.Equal(-1.9f, parameters[0], 1e-6f);
        Assert.Equal(2.9f, parameters[1], 1e-6f);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void SixStepsMatchTheDoublePrecisionPyTorchFormulaWithinOnePartPerMillion(double weightDecay)
    {
        const int length = 19; // two vectors of 8 and a scalar tail of 3
        const double learningRate = 0.003;
        var parameters = OptimizerTestData.Uniform(length, seed: 5);
        var reference = parameters.Select(p => (double)p).ToArray();
        var m = new double[length];
        var v = new double[length];
        var adam = new AdamOptimizer(length, weightDecay: weightDecay);

        for (var step = 1; step <= 6; step++)
        {
            var gradients = OptimizerTestData.GradientsForStep(length, step);
            adam.Step(parameters, gradients, learningRate);
            for (var i = 0; i < length; i++)
            {
                // The formula of torch.optim.Adam, in double.
                var g = gradients[i] + weightDecay * reference[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                var stepSize = learningRate / (1 - Math.Pow(0.9, step));
                var denominator = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.999, step)) + 1e-8;
                reference[i] -= stepSize * m[i] / denominator;
            }
        }

        for (var i = 0; i < length; i++)
            Assert.True(Math.Abs(parameters[i] - reference[i]) <= 1e-6 * Math.Abs(reference[i]),
                $"p[{i}] = {parameters[i]:R}, formula {reference[i]:R}");
    }

    [Theory]
    [InlineData(0.9, 0.999, 0.0)]
    [InlineData(0.9, 0.999, 0.05)]
    [InlineData(0.3, 0.99, 0.0)] // 1 − beta1 >= 0.5: torch's other lerp form
    public void VectorBodyAndScalarTailFollowTorchFloat32OperationOrderBitForBit(double beta1Decimal, double beta2Decimal,
        double weightDecayDecimal)
    {
        const int length = 37;
        const double learningRate = 0.01;
        // The job's (Python's) doubles as the float32 kernels see them.
        var (beta2, weightDecay) = ((float)beta2Decimal, (float)weightDecayDecimal);
        var parameters = OptimizerTestData.Uniform(length, seed: 9);
        var expected = (float[])parameters.Clone();
        var m = new float[length];
        var v = new float[length];
        var adam = new AdamOptimizer(length, beta1Decimal, beta2Decimal, 1e-8, weightDecayDecimal);

        for (var step = 1; step <= 10; step++)
        {
            var gradients = OptimizerTestData.GradientsForStep(length, step);
            adam.Step(parameters, gradients, learningRate);

            // torch's single-tensor Adam, element by element in float32, with Python-double scalars rounded once.
            var weight = (float)(1 - beta1Decimal);
            var gradientScale = (float)(1 - beta2Decimal);
            var correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(beta2Decimal, step));
            var negativeStepSize = (float)-(0.01 / (1 - Math.Pow(beta1Decimal, step)));
            for (var i = 0; i < length; i++)
            {
                var g = weightDecay != 0f ? gradients[i] + weightDecay * expected[i] : gradients[i];
                m[i] = weight < 0.5f ? m[i] + weight * (g - m[i]) : g - (g - m[i]) * (1f - weight);
                v[i] = v[i] * beta2 + gradientScale * g * g;
                var denominator = MathF.Sqrt(v[i]) / correction2Sqrt + 1e-8f;
                expected[i] = expected[i] + negativeStepSize * m[i] / denominator;
            }
        }

        Assert.Equal(OptimizerTestData.Bits(expected), OptimizerTestData.Bits(parameters));
        Assert.Equal(OptimizerTestData.Bits(m), OptimizerTestData.Bits(adam.FirstMoment.ToArray()));
        Assert.Equal(OptimizerTestData.Bits(v), OptimizerTestData.Bits(adam.SecondMoment.ToArray()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(29)]
    public void TwoBlocksGiveTheSameBitsAsTheWholeVector(int split)
    {
        const int length = 53;
        var whole = OptimizerTestData.Uniform(length, seed: 3);
        var blocks = (float[])whole.Clone();
        var wholeAdam = new AdamOptimizer(length, weightDecay: 0.01);
        var firstBlock = new AdamOptimizer(split, weightDecay: 0.01);
        var secondBlock = new AdamOptimizer(length - split, weightDecay: 0.01);

        OptimizerTestData.RunBlock(wholeAdam, whole, 0, 0, 7, 0.01f);
        OptimizerTestData.RunBlock(firstBlock, blocks, 0, 0, 7, 0.01f);
        OptimizerTestData.RunBlock(secondBlock, blocks, split, 0, 7, 0.01f);

        Assert.Equal(OptimizerTestData.Bits(whole), OptimizerTestData.Bits(blocks));
        Assert.Equal(7, firstBlock.StepCount);
        Assert.Equal(7, secondBlock.StepCount);
    }

    [Fact]
    public void ExportedStateImportedIntoAFreshOptimizerResumesBitIdentically()
    {
        const int length = 21;
        var uninterrupted = OptimizerTestData.Uniform(length, seed: 11);
        var resumed = (float[])uninterrupted.Clone();
        var adam = new AdamOptimizer(length, weightDecay: 0.001);
        OptimizerTestData.RunBlock(adam, uninterrupted, 0, 0, 4, 0.02f);
        var checkpointAdam = new AdamOptimizer(length, weightDecay: 0.001);
        OptimizerTestData.RunBlock(checkpointAdam, resumed, 0, 0, 4, 0.02f);

        var state = checkpointAdam.ExportState();
        var restored = new AdamOptimizer(length, weightDecay: 0.001);
        restored.ImportState(state);
        OptimizerTestData.RunBlock(adam, uninterrupted, 0, 4, 5, 0.02f);
        OptimizerTestData.RunBlock(restored, resumed, 0, 4, 5, 0.02f);

        Assert.Equal("adam", state.Kind);
        Assert.Equal(4, state.StepCount);
        Assert.Equal([AdamOptimizer.FirstMomentBuffer, AdamOptimizer.SecondMomentBuffer], state.Buffers.Keys.Order());
        Assert.Equal(9, restored.StepCount);
        Assert.Equal(OptimizerTestData.Bits(uninterrupted), OptimizerTestData.Bits(resumed));
    }

    [Fact]
    public void ExportedStateIsACopyThatLaterStepsDoNotChange()
    {
        var adam = new AdamOptimizer(3);
        adam.Step(new float[3], [1f, 2f, 3f], 0.1);
        var state = adam.ExportState();
        var firstMomentAtExport = state.Buffers[AdamOptimizer.FirstMomentBuffer].ToArray();

        adam.Step(new float[3], [1f, 2f, 3f], 0.1);

        Assert.Equal(firstMomentAtExport, state.Buffers[AdamOptimizer.FirstMomentBuffer]);
        Assert.Equal(1, state.StepCount);
    }

    [Fact]
    public void ImportRejectsAnotherKindOrAnotherLength()
    {
        var adam = new AdamOptimizer(4);
        var sgdState = new SgdOptimizer(4, momentum: 0.9).ExportState();
        var shorterState = new AdamOptimizer(3).ExportState();

        var wrongKind = Assert.Throws<ArgumentException>(() => adam.ImportState(sgdState));
        var wrongLength = Assert.Throws<ArgumentException>(() => adam.ImportState(shorterState));

        Assert.Contains("'sgd'", wrongKind.Message);
        Assert.Contains("holds 3 floats", wrongLength.Message);
    }

    [Fact]
    public void StepRejectsSpansOfAnotherLength()
    {
        var adam = new AdamOptimizer(4);

        Assert.Throws<ArgumentException>(() => adam.Step(new float[5], new float[4], 0.1));
        Assert.Throws<ArgumentException>(() => adam.Step(new float[4], new float[3], 0.1));
        Assert.Equal(0, adam.StepCount);
    }

    [Fact]
    public void StepAllocatesNothing()
    {
        var adam = new AdamOptimizer(100, weightDecay: 0.01);
        var parameters = OptimizerTestData.Uniform(100, seed: 1);
        var gradients = OptimizerTestData.Uniform(100, seed: 2);
        for (var i = 0; i < 10; i++) adam.Step(parameters, gradients, 0.001);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) adam.Step(parameters, gradients, 0.001);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TheLearningRateStaysDoubleUntilTheStepSizeIsRoundedOnce()
    {
        // A cosine schedule's rate is an arbitrary double; torch divides it by 1 - beta1^t in double and rounds once.
        // Rounding the rate to float first (as before) gives a step size one ulp off for this rate.
        const double learningRate = 0.006550770429955354;
        var hyperparameters = new AdamHyperparameters(0.9, 0.999, 1e-8, 0);
        var expected = (float)-(learningRate / (1.0 - Math.Pow(0.9, 3)));

        Assert.Equal(expected, hyperparameters.Coefficients(3, learningRate).NegativeStepSize);
        Assert.Equal((float)(1.0 - 0.9), hyperparameters.Coefficients(3, learningRate).FirstMomentWeight);
    }

    [Fact]
    public void ConstructorRejectsBetasOutsideTheUnitInterval()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer(1, beta1: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer(1, beta2: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer(1, epsilon: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer(-1));
    }
}
