using System.Runtime.Intrinsics;
using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Tests.Layers;

public class ActivationsTests
{
    [Fact]
    public void ExpIsWithinTwoTenthsOfAMillionthOfTheTrueValue()
    {
        double worst = 0;
        for (var x = -87f; x <= 88f; x += 0.0137f)
        {
            var value = Activations.Exp(Vector256.Create(x)).GetElement(0);
            worst = Math.Max(worst, Math.Abs(value - Math.Exp(x)) / Math.Exp(x));
        }
        Assert.True(worst < 2e-7, $"worst relative error {worst:E2}");
    }

    [Fact]
    public void SigmoidAndTanhSaturateWithoutNaN()
    {
        var big = Vector256.Create(-1000f, -100f, -20f, -1e-6f, 0f, 1e-6f, 20f, 1000f);
        var s = Activations.Sigmoid(big);
        var t = Activations.Tanh(big);
        for (var i = 0; i < 8; i++)
        {
            Assert.InRange(s.GetElement(i), 0f, 1f);
            Assert.InRange(t.GetElement(i), -1f, 1f);
            Assert.Equal(Math.Tanh(big.GetElement(i)), t.GetElement(i), 6);
            Assert.Equal(1 / (1 + Math.Exp(-big.GetElement(i))), s.GetElement(i), 6);
        }
    }
}
