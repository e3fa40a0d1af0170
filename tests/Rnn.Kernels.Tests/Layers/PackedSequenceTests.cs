using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// A stack run with per-sample lengths equals each sample run alone on its own steps (how the golden-v2 cases were
/// checked): outputs, final states, input and state gradients, and the parameter gradients summed over samples.
/// </summary>
public class PackedSequenceTests
{
    public static TheoryData<RecurrentCell, bool, int, bool> Cases()
    {
        var data = new TheoryData<RecurrentCell, bool, int, bool>();
        foreach (var cell in new[] { RecurrentCell.SimpleRnn, RecurrentCell.Lstm, RecurrentCell.Gru })
            foreach (var bidirectional in new[] { false, true })
            {
                foreach (var threads in new[] { 1, 2 }) data.Add(cell, bidirectional, threads, true);
                data.Add(cell, bidirectional, 2, false);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PackedBatchEqualsEachSampleAlone(RecurrentCell cell, bool bidirectional, int threads, bool longestIsWindow)
    {
        // 37 samples: three 16-row pieces, the last short; lengths unsorted with ties, 1 among them, and T too or
        // else none longer than T-2 (the window's last steps then run no sample at all).
        const int steps = 6, batch = 37, input = 3, hidden = 5, depth = 2;
        var random = new DeterministicRandom(11);
        var longest = longestIsWindow ? steps : steps - 2;
        var lengths = Enumerable.Range(0, batch).Select(b => b == 3 ? longest : b == 5 ? 1 : 1 + random.NextInt(longest)).ToArray();
        using var compute = new CpuCompute(threads);
        var (layers, layout) = Stack(cell, bidirectional, input, hidden, depth, compute);
        var d = bidirectional ? 2 : 1;
        var p = FiniteDifference.Fill(random, layout.TotalLength);
        var states = layers[0].StateCount * depth * d;
        var x = FiniteDifference.Fill(random, steps * batch * input);
        var s0 = FiniteDifference.Fill(random, states * batch * hidden);
        var gy = FiniteDifference.Fill(random, steps * batch * d * hidden);
        var gs = FiniteDifference.Fill(random, states * batch * hidden);
        for (var t = 0; t < steps; t++)
            for (var b = 0; b < batch; b++)
                if (t >= lengths[b]) Array.Clear(gy, (t * batch + b) * d * hidden, d * hidden);

        using var stack = new CpuRecurrentStackExecutor(layers);
        var y = new float[gy.Length];
        var sT = new float[s0.Length];
        stack.Forward(p, x, s0, y, sT, steps, batch, lengths);
        var dx = new float[x.Length];
        var ds0 = new float[s0.Length];
        var dp = new float[p.Length];
        stack.Backward(p, gy, gs, dx, ds0, dp);

        var dpAlone = new float[p.Length];
        for (var b = 0; b < batch; b++)
        {
            var n = lengths[b];
            using var alone = new CpuRecurrentStackExecutor(layers);
            var xb = Rows(x, batch, input, b, n);
            var s0b = Rows(s0, batch, hidden, b, states);
            var yb = new float[n * d * hidden];
            var sTb = new float[s0b.Length];
            alone.Forward(p, xb, s0b, yb, sTb, n, 1);
            var dxb = new float[xb.Length];
            var ds0b = new float[s0b.Length];
            alone.Backward(p, Rows(gy, batch, d * hidden, b, n), Rows(gs, batch, hidden, b, states), dxb, ds0b, dpAlone);
            AssertRows("y", y, yb, steps, batch, d * hidden, b, n);
            AssertRows("h_n", sT, sTb, states, batch, hidden, b, states);
            AssertRows("dx", dx, dxb, steps, batch, input, b, n);
            AssertRows("dh0", ds0, ds0b, states, batch, hidden, b, states);
        }
        for (var i = 0; i < p.Length; i++) Assert.True(Math.Abs(dp[i] - dpAlone[i]) <= 1e-4f, $"dparameter[{i}]: {dp[i]} packed, {dpAlone[i]} alone");
    }

    internal static (List<RecurrentLayer> Layers, ParameterLayout Layout) Stack(RecurrentCell cell, bool bidirectional,
        int input, int hidden, int depth, CpuCompute compute)
    {
        var layout = new ParameterLayout();
        var layers = new List<RecurrentLayer>();
        var d = bidirectional ? 2 : 1;
        for (var l = 0; l < depth; l++)
            for (var r = 0; r < d; r++)
                layers.Add(RecurrentLayer.Create(cell, layout, l, l == 0 ? input : d * hidden, hidden, compute, reverse: r == 1));
        return (layers, layout);
    }

    /// <summary>Rows [0, n) of sample b of a tensor [·, B, width], as a batch of one.</summary>
    private static float[] Rows(float[] a, int batch, int width, int b, int n)
    {
        var r = new float[n * width];
        for (var t = 0; t < n; t++) Array.Copy(a, (t * batch + b) * width, r, t * width, width);
        return r;
    }

    private static void AssertRows(string what, float[] batched, float[] alone, int blocks, int batch, int width, int b, int n)
    {
        for (var t = 0; t < blocks; t++)
            for (var j = 0; j < width; j++)
            {
                var expected = t < n ? alone[t * width + j] : 0f;
                var actual = batched[(t * batch + b) * width + j];
                Assert.True(Math.Abs(expected - actual) <= 1e-5f, $"{what}[t={t}, b={b}, {j}]: {actual} packed, {expected} alone");
            }
    }
}
