using Rnn.Kernels.Optimizers;

namespace Rnn.Kernels.Tests.Optimizers;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void ConstantScheduleGivesTheSameRateAtEveryStep()
    {
        var schedule = new ConstantSchedule(0.001f);

        Assert.Equal(0.001f, schedule.At(0));
        Assert.Equal(0.001f, schedule.At(1_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.At(-1));
    }

    [Theory]
    [InlineData(0, 0.1f)]
    [InlineData(2, 0.1f)]
    [InlineData(3, 0.05f)]
    [InlineData(5, 0.05f)]
    [InlineData(6, 0.025f)]
    [InlineData(30, 0.0000976562f)]
    public void StepDecayMultipliesByGammaEveryStepSizeSteps(long step, float expected)
    {
        var schedule = new StepDecaySchedule(0.1f, stepSize: 3, gamma: 0.5f);

        Assert.Equal(expected, schedule.At(step), 1e-9f);
    }

    [Fact]
    public void StepDecayUsesThePythonDoubleValuesOfItsHyperparameters()
    {
        // torch: 0.1 * 0.1 ** 2 in Python doubles, rounded to float.
        var schedule = new StepDecaySchedule(0.1f, stepSize: 1, gamma: 0.1f);

        Assert.Equal((float)(0.1 * Math.Pow(0.1, 2)), schedule.At(2));
    }

    [Theory]
    [InlineData(0, 0.25f)]
    [InlineData(1, 0.5f)]
    [InlineData(3, 1f)] // last warm-up step reaches the peak
    [InlineData(4, 1f)] // cosine starts at the peak
    [InlineData(6, 0.86819805f)] // 0.1 + 0.9 · ½(1 + cos(π/4))
    [InlineData(8, 0.55f)] // half way: the mean of peak and floor
    [InlineData(11, 0.13425435f)] // last step of the run: 0.1 + 0.9 · ½(1 + cos(7π/8))
    [InlineData(12, 0.1f)]
    [InlineData(100, 0.1f)]
    public void CosineWarmupRisesLinearlyThenFollowsTheCosineDownToTheFloor(long step, float expected)
    {
        var schedule = new CosineWarmupSchedule(1f, warmupSteps: 4, totalSteps: 12, minLearningRate: 0.1f);

        Assert.Equal(expected, schedule.At(step), 1e-6f);
    }

    [Fact]
    public void CosineWithoutWarmupStartsAtThePeakAndDecaysToZero()
    {
        var schedule = new CosineWarmupSchedule(0.01f, warmupSteps: 0, totalSteps: 100);

        Assert.Equal(0.01f, schedule.At(0));
        Assert.Equal(0.005f, schedule.At(50), 1e-9f);
        Assert.Equal(0f, schedule.At(100));
    }

    [Fact]
    public void CosineWarmupRejectsTotalBeforeWarmupAndFloorAbovePeak()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineWarmupSchedule(1f, warmupSteps: 10, totalSteps: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineWarmupSchedule(1f, 0, 10, minLearningRate: 2f));
    }
}
