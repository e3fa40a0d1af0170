using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Compute;

/// <summary>Random operands, a double-precision reference GEMM and bit-level comparison for the GEMM tests.</summary>
internal static class GemmTestData
{
    public static float[] Random(ulong seed, int length)
    {
        var random = new DeterministicRandom(seed);
        var values = new float[length];
        for (var i = 0; i < values.Length; i++) values[i] = random.NextFloat() * 2f - 1f;
        return values;
    }

    /// <summary>
    /// C = (accumulate ? C : 0) + op(A)·op(B) in double, plus Σ|a·b| + |C| per element for error bounds.
    /// </summary>
    public static (double[] Value, double[] Magnitude) Reference(bool transA, bool transB, int m, int n, int k,
        float[] a, float[] b, float[] c, bool accumulate)
    {
        var value = new double[m * n];
        var magnitude = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = accumulate ? c[i * n + j] : 0, abs = Math.Abs(sum);
                for (var p = 0; p < k; p++)
                {
                    double product = (double)(transA ? a[p * m + i] : a[i * k + p]) *
                                     (transB ? b[j * k + p] : b[p * n + j]);
                    sum += product;
                    abs += Math.Abs(product);
                }
                value[i * n + j] = sum;
                magnitude[i * n + j] = abs;
            }
        }
        return (value, magnitude);
    }

    /// <summary>
    /// Every element within the float rounding bound of its sum: (k + 2) unit roundoffs of Σ|a·b| + |C|, which holds
    /// for any summation order, with or without FMA.
    /// </summary>
    public static void AssertMatchesReference(bool transA, bool transB, int m, int n, int k, float[] a, float[] b,
        float[] cBefore, float[] cAfter, bool accumulate)
    {
        var (value, magnitude) = Reference(transA, transB, m, n, k, a, b, cBefore, accumulate);
        const double unitRoundoff = 1.0 / (1 << 24);
        for (var e = 0; e < m * n; e++)
        {
            var tolerance = (k + 2) * unitRoundoff * magnitude[e] + 1e-30;
            var error = Math.Abs(cAfter[e] - value[e]);
            if (!(error <= tolerance))
            {
                Assert.Fail($"C[{e / n},{e % n}] = {cAfter[e]:R}, reference {value[e]:R}, error {error:E3} > " +
                            $"{tolerance:E3} (m={m} n={n} k={k} transA={transA} transB={transB} acc={accumulate})");
            }
        }
    }

    /// <summary>Runs one GEMM on a copy of <paramref name="cInitial"/> and returns the result.</summary>
    public static float[] Run(CpuCompute compute, bool transA, bool transB, int m, int n, int k, float[] a, float[] b,
        float[] cInitial, bool accumulate)
    {
        var c = (float[])cInitial.Clone();
        compute.Gemm(transA, transB, m, n, k, a, b, c, accumulate);
        return c;
    }

    public static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var x = BitConverter.SingleToInt32Bits(expected[i]);
            var y = BitConverter.SingleToInt32Bits(actual[i]);
            if (x != y)
                Assert.Fail($"{what}: element {i} differs: {expected[i]:R} (0x{x:X8}) vs {actual[i]:R} (0x{y:X8})");
        }
    }

    /// <summary>The kernel kinds this CPU can run: the fallbacks are tested wherever a better kernel exists.</summary>
    public static IEnumerable<GemmKernelKind> SupportedKernels() =>
        Enum.GetValues<GemmKernelKind>().Where(GemmMicroKernel.IsSupported);
}
