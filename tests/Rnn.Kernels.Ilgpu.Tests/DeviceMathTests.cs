using Rnn.Kernels.Ilgpu.Kernels;

namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>
/// The kernels' own tanh and sigmoid against double-precision math. They exist because a GPU's MathF.Tanh is PTX's
/// tanh.approx (~5e-4 relative error); here, with exact exp, they check the formulas themselves.
/// </summary>
public class DeviceMathTests
{
    [Fact]
    public void TanhIsWithinAFewUlpsEverywhere()
    {
        var worst = 0.0;
        var worstAt = 0f;
        for (var x = -12f; x <= 12f; x += 1f / 1024f)
        {
            foreach (var v in new[] { x, x * 1e-3f, x * 1e-6f })
            {
                var exact = Math.Tanh(v);
                var error = Math.Abs(DeviceMath.Tanh(v) - exact) / Math.Max(Math.Abs(exact), 1e-30);
                if (error > worst) (worst, worstAt) = (error, v);
            }
        }
        Assert.True(worst < 5e-7, $"largest relative error {worst:E2} at x = {worstAt}");
    }

    [Fact]
    public void TanhKeepsSignZeroAndLimits()
    {
        Assert.Equal(0f, DeviceMath.Tanh(0f));
        Assert.Equal(1f, DeviceMath.Tanh(50f));
        Assert.Equal(-1f, DeviceMath.Tanh(-100f));
        Assert.Equal(1f, DeviceMath.Tanh(float.PositiveInfinity));
        Assert.True(float.IsNaN(DeviceMath.Tanh(float.NaN)));
        Assert.Equal(-DeviceMath.Tanh(0.3f), DeviceMath.Tanh(-0.3f));
    }

    [Fact]
    public void SigmoidIsWithinAFewUlpsEverywhere()
    {
        for (var x = -30f; x <= 30f; x += 1f / 256f)
        {
            var exact = 1.0 / (1.0 + Math.Exp(-x));
            var error = Math.Abs(DeviceMath.Sigmoid(x) - exact) / exact;
            Assert.True(error < 5e-7, $"relative error {error:E2} at x = {x}");
        }
    }
}
