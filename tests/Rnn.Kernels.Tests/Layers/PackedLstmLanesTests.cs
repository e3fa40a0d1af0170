using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// A packed LSTM piece narrows its step products to 8 and then 4 lanes as its samples end, and its weight-gradient GEMM
/// skips the ended lanes. None of that may change a bit: each sample's outputs, final state, input gradient and
/// initial-state gradient equal, bit for bit, the sample run alone (a padded batch of one), for 1 and 2 threads and
/// the 256- and 512-bit kernels, whose parameter gradients agree bit for bit too.
/// </summary>
public class PackedLstmLanesTests
{
    [Fact]
    public void NarrowedStepsKeepEverySamplesBits()
    {
        // 40 samples: pieces of 16, 16 and 8 rows; within the first two, steps with 16, 9..15, 5..8 and 1..4 running.
        const int steps = 14, batch = 40, input = 5, hidden = 24;
        var random = new DeterministicRandom(7);
        var lengths = Enumerable.Range(0, batch).Select(b => b < 2 ? steps : 1 + random.NextInt(steps))
            .OrderByDescending(n => n).ToArray();
        var x = FiniteDifference.Fill(random, steps * batch * input);
        var s0 = FiniteDifference.Fill(random, 2 * batch * hidden);
        var dy = FiniteDifference.Fill(random, steps * batch * hidden);
        var dsT = FiniteDifference.Fill(random, 2 * batch * hidden);
        float[]? reference = null;
        var kinds = new List<GemmKernelKind> { GemmKernelKind.Fma };
        if (GemmMicroKernel.IsSupported(GemmKernelKind.Fma512)) kinds.Add(GemmKernelKind.Fma512);
        if (!GemmMicroKernel.IsSupported(GemmKernelKind.Fma)) return;
        foreach (var kind in kinds)
            foreach (var threads in new[] { 1, 2 })
            {
                using var compute = new CpuCompute(threads, kind);
                var layout = new ParameterLayout();
                var layer = new LstmLayer(layout, 0, input, hidden, compute);
                var p = new float[layout.TotalLength];
                layer.Initialize(p, new DeterministicRandom(3));
                var y = new float[steps * batch * hidden];
                var sT = new float[2 * batch * hidden];
                var dx = new float[x.Length];
                var ds0 = new float[s0.Length];
                var dp = new float[p.Length];
                layer.Forward(p, x, s0, y, sT, steps, batch, lengths);
                layer.Backward(p, dy, dsT, dx, ds0, dp);
                var label = $"{kind}, {threads} threads";
                if (reference is null) reference = dp;
                else AssertBits(reference, dp, $"parameter gradients, {label}");

                var dpAlone = new float[p.Length];
                for (var b = 0; b < batch; b++)
                {
                    var n = lengths[b];
                    var yb = new float[n * hidden];
                    var sTb = new float[2 * hidden];
                    var dxb = new float[n * input];
                    var ds0b = new float[2 * hidden];
                    layer.Forward(p, Sample(x, batch, input, b, n), Sample(s0, batch, hidden, b, 2), yb, sTb, n, 1);
                    layer.Backward(p, Sample(dy, batch, hidden, b, n), Sample(dsT, batch, hidden, b, 2), dxb, ds0b, dpAlone);
                    AssertBits(yb, Sample(y, batch, hidden, b, n), $"y of sample {b} ({n} steps), {label}");
                    AssertBits(sTb, Sample(sT, batch, hidden, b, 2), $"final state of sample {b}, {label}");
                    AssertBits(dxb, Sample(dx, batch, input, b, n), $"dx of sample {b}, {label}");
                    AssertBits(ds0b, Sample(ds0, batch, hidden, b, 2), $"initial-state gradient of sample {b}, {label}");
                    for (var t = n; t < steps; t++)
                    {
                        Assert.All(y.AsSpan(((t * batch) + b) * hidden, hidden).ToArray(), v => Assert.Equal(0f, v));
                        Assert.All(dx.AsSpan(((t * batch) + b) * input, input).ToArray(), v => Assert.Equal(0f, v));
                    }
                }
                for (var i = 0; i < p.Length; i++)
                    Assert.True(Math.Abs(dp[i] - dpAlone[i]) <= 1e-4f, $"dparameter[{i}]: {dp[i]} packed, {dpAlone[i]} alone, {label}");
            }
    }

    /// <summary>Rows [0, n) of sample b of a tensor [·, B, width], as a batch of one.</summary>
    private static float[] Sample(float[] a, int batch, int width, int b, int n)
    {
        var r = new float[n * width];
        for (var t = 0; t < n; t++) Array.Copy(a, (t * batch + b) * width, r, t * width, width);
        return r;
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: {actual[i]}, expected {expected[i]}");
    }
}
