using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;
using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Tests.Layers;

public class RecurrentGradientCheckTests
{
    public static TheoryData<RecurrentCell, int, bool> Cases()
    {
        var data = new TheoryData<RecurrentCell, int, bool>();
        foreach (var cell in new[] { RecurrentCell.SimpleRnn, RecurrentCell.Lstm, RecurrentCell.Gru })
            for (var depth = 1; depth <= 3; depth++)
                foreach (var carried in new[] { false, true })
                    data.Add(cell, depth, carried);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnalyticGradientsMatchFiniteDifferences(RecurrentCell cell, int depth, bool carriedState)
    {
        var random = new DeterministicRandom((ulong)(cell + 1) * 1000 + (ulong)depth * 10 + (carriedState ? 1UL : 0UL));
        int steps = 2 + random.NextInt(4), batch = 1 + random.NextInt(3), input = 1 + random.NextInt(4), hidden = 2 + random.NextInt(4);
        using var compute = new CpuCompute(1);
        var stack = new RecurrentStack(cell, input, hidden, depth, compute);
        var p = Fill(random, stack.Layout.TotalLength, 0.5f);
        var x = Fill(random, steps * batch * input, 1f);
        var states0 = Enumerable.Range(0, depth)
            .Select(_ => carriedState ? Fill(random, stack.StateLength(batch), 0.8f) : new float[stack.StateLength(batch)]).ToArray();
        var gy = Fill(random, steps * batch * hidden, 1f);
        var gs = Enumerable.Range(0, depth).Select(_ => Fill(random, stack.StateLength(batch), 1f)).ToArray();

        stack.Forward(p, x, states0, steps, batch);
        var (dx, dStates0, dp) = stack.Backward(p, gy, gs, steps, batch);

        double Loss() => stack.Loss(p, x, states0, gy, gs, steps, batch);
        AssertMatches("parameters", p, dp, Loss);
        AssertMatches("x", x, dx, Loss);
        for (var l = 0; l < depth; l++) AssertMatches($"state0[{l}]", states0[l], dStates0[l], Loss);
    }

    /// <summary>Central differences in float32 inputs with the loss summed in double.</summary>
    private static void AssertMatches(string what, float[] values, float[] analytic, Func<double> loss)
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

    private static float[] Fill(DeterministicRandom random, int n, float scale)
    {
        var v = new float[n];
        for (var i = 0; i < n; i++) v[i] = (2f * random.NextFloat() - 1f) * scale;
        return v;
    }
}
