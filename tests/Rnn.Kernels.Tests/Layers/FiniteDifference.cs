using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>The finite-difference check every gradient test uses, and the uniform test data it runs on.</summary>
internal static class FiniteDifference
{
    /// <summary>Central differences in float32 inputs with the loss summed in double.</summary>
    public static void AssertMatches(string what, float[] values, float[] analytic, Func<double> loss)
    {
        const float h = 1e-2f;
        for (var i = 0; i < values.Length; i++)
        {
            var saved = values[i];
            values[i] = saved + h;
            var plus = loss();
            values[i] = saved - h;
            var minus = loss();
            values[i] = saved;
            var numeric = (plus - minus) / (2 * h);
            var error = Math.Abs(numeric - analytic[i]);
            Assert.True(error <= 2e-3 + 2e-2 * Math.Abs(numeric),
                $"d{what}[{i}]: analytic {analytic[i]:G6}, finite difference {numeric:G6}");
        }
    }

    /// <summary>n values uniform in [-scale, scale).</summary>
    public static float[] Fill(DeterministicRandom random, int n, float scale = 1f)
    {
        var v = new float[n];
        for (var i = 0; i < n; i++) v[i] = (2f * random.NextFloat() - 1f) * scale;
        return v;
    }
}
