using Rnn.Kernels.Optimizers;

namespace Rnn.Kernels.Tests.Optimizers;

public sealed class GradientClippingTests
{
    [Fact]
    public void GlobalNormSquaredOfThreeFourIsTwentyFive()
    {
        Assert.Equal(25.0, GradientClipping.GlobalNormSquared([3f, 4f]));
        Assert.Equal(0.0, GradientClipping.GlobalNormSquared([]));
    }

    [Fact]
    public void GlobalNormSquaredIsTheDoubleSumInIndexOrder()
    {
        var gradients = OptimizerTestData.Uniform(1001, seed: 21, scale: 100f);
        var expected = 0.0;
        foreach (var g in gradients) expected += (double)g * g;

        Assert.Equal(BitConverter.DoubleToInt64Bits(expected),
            BitConverter.DoubleToInt64Bits(GradientClipping.GlobalNormSquared(gradients)));
    }

    [Fact]
    public void ClipScaleIsMaxNormOverNormPlusEpsilonWhenTheNormIsLarger()
    {
        Assert.Equal(1f / (5f + 1e-6f), GradientClipping.ClipScale(5.0, 1f));
        Assert.Equal(0.5f, GradientClipping.ClipScale(10.0, 5f), 1e-6f);
    }

    [Fact]
    public void ClipScaleIsOneWhenTheNormIsWithinTheLimit()
    {
        Assert.Equal(1f, GradientClipping.ClipScale(0.5, 1f));
        Assert.Equal(1f, GradientClipping.ClipScale(0.0, 1f));
        // torch: 1 / (1 + 1e-6) < 1, so a norm exactly at the limit still scales by a hair.
        Assert.Equal(1f / (1f + 1e-6f), GradientClipping.ClipScale(1.0, 1f));
    }

    [Fact]
    public void ClipScaleOfNaNNormIsNaNAsInTorch()
    {
        Assert.True(float.IsNaN(GradientClipping.ClipScale(double.NaN, 1f)));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipScale(1.0, 0f));
    }

    [Fact]
    public void ClipByGlobalNormReturnsTheNormBeforeClippingAndRescalesToMaxNorm()
    {
        var gradients = new[] { 3f, 4f };

        var norm = GradientClipping.ClipByGlobalNorm(gradients, maxNorm: 1f);

        Assert.Equal(5f, norm);
        Assert.Equal(0.6f, gradients[0], 1e-6f);
        Assert.Equal(0.8f, gradients[1], 1e-6f);
        Assert.Equal(1.0, Math.Sqrt(GradientClipping.GlobalNormSquared(gradients)), 1e-6);
    }

    [Fact]
    public void ClipByGlobalNormLeavesSmallGradientsUntouched()
    {
        var gradients = new[] { 0.3f, -0.4f };

        var norm = GradientClipping.ClipByGlobalNorm(gradients, maxNorm: 1f);

        Assert.Equal(0.5f, norm, 1e-7f);
        Assert.Equal([0.3f, -0.4f], gradients);
    }

    [Fact]
    public void BlockwiseNormsSummedGiveOneScaleForAllBlocks()
    {
        // The trainer's recipe: Σ over blocks of GlobalNormSquared, one sqrt, one scale, Scale on each block.
        var gradients = OptimizerTestData.Uniform(40, seed: 2, scale: 3f);
        var squared = GradientClipping.GlobalNormSquared(gradients.AsSpan(0, 17))
                      + GradientClipping.GlobalNormSquared(gradients.AsSpan(17));
        var scale = GradientClipping.ClipScale(Math.Sqrt(squared), 2f);

        GradientClipping.Scale(gradients.AsSpan(0, 17), scale);
        GradientClipping.Scale(gradients.AsSpan(17), scale);

        Assert.Equal(2.0, Math.Sqrt(GradientClipping.GlobalNormSquared(gradients)), 1e-5);
    }

    [Fact]
    public void ScaleMultipliesEveryElementIncludingTheTail()
    {
        var gradients = Enumerable.Range(1, 11).Select(i => (float)i).ToArray();

        GradientClipping.Scale(gradients, 0.5f);

        Assert.Equal(Enumerable.Range(1, 11).Select(i => i * 0.5f), gradients);
    }

    [Theory]
    [InlineData(0, float.NaN)]
    [InlineData(7, float.PositiveInfinity)]
    [InlineData(9, float.NegativeInfinity)]
    [InlineData(18, float.NaN)]
    public void AllFiniteFindsANonFiniteValueInTheVectorBodyOrTheTail(int position, float badValue)
    {
        var gradients = OptimizerTestData.Uniform(19, seed: 1);
        Assert.True(GradientClipping.AllFinite(gradients));

        gradients[position] = badValue;

        Assert.False(GradientClipping.AllFinite(gradients));
    }

    [Fact]
    public void AllFiniteAcceptsExtremeFiniteValues()
    {
        Assert.True(GradientClipping.AllFinite([float.MaxValue, float.MinValue, float.Epsilon, 0f, -0f, 1f, 2f, 3f, 4f]));
        Assert.True(GradientClipping.AllFinite([]));
    }
}
