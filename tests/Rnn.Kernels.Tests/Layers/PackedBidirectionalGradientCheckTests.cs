using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// Finite differences against the analytic gradients of a recurrent stack run bidirectionally, with per-sample
/// lengths, or both, for every cell at depth 1–3: loss = Σ y ⊙ gy + Σ h_n ⊙ gs (the golden cases' loss), gradients
/// on the parameters, x and the initial states.
/// </summary>
public class PackedBidirectionalGradientCheckTests
{
    public static TheoryData<RecurrentCell, int, bool, bool> Cases()
    {
        var data = new TheoryData<RecurrentCell, int, bool, bool>();
        foreach (var cell in new[] { RecurrentCell.SimpleRnn, RecurrentCell.Lstm, RecurrentCell.Gru })
            for (var depth = 1; depth <= 3; depth++)
                foreach (var (bidirectional, lengths) in new[] { (true, false), (false, true), (true, true) })
                    data.Add(cell, depth, bidirectional, lengths);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnalyticGradientsMatchFiniteDifferences(RecurrentCell cell, int depth, bool bidirectional, bool withLengths)
    {
        var random = new DeterministicRandom((ulong)(cell + 1) * 1000 + (ulong)depth * 10 + (bidirectional ? 1UL : 0UL) + (withLengths ? 2UL : 0UL));
        int steps = 3 + random.NextInt(3), batch = 3, input = 1 + random.NextInt(3), hidden = 2 + random.NextInt(2);
        // Lengths unsorted, with the window's T and 1 among them.
        int[] lengths = withLengths ? [1 + random.NextInt(steps), steps, 1] : [];
        using var compute = new CpuCompute(1);
        var (layers, layout) = PackedSequenceTests.Stack(cell, bidirectional, input, hidden, depth, compute);
        using var stack = new CpuRecurrentStackExecutor(layers);
        var d = bidirectional ? 2 : 1;
        var states = layers[0].StateCount * layers.Count * batch * hidden;
        var p = FiniteDifference.Fill(random, layout.TotalLength, 0.5f);
        var x = FiniteDifference.Fill(random, steps * batch * input, 1f);
        var s0 = FiniteDifference.Fill(random, states, 0.8f);
        var gy = FiniteDifference.Fill(random, steps * batch * d * hidden, 1f);
        var gs = FiniteDifference.Fill(random, states, 1f);

        double Loss()
        {
            var y = new float[gy.Length];
            var sT = new float[states];
            stack.Forward(p, x, s0, y, sT, steps, batch, lengths);
            double loss = 0;
            for (var i = 0; i < y.Length; i++) loss += (double)y[i] * gy[i];
            for (var i = 0; i < sT.Length; i++) loss += (double)sT[i] * gs[i];
            return loss;
        }

        Loss();
        var dx = new float[x.Length];
        var ds0 = new float[states];
        var dp = new float[p.Length];
        stack.Backward(p, gy, gs, dx, ds0, dp);
        FiniteDifference.AssertMatches("parameters", p, dp, Loss);
        FiniteDifference.AssertMatches("x", x, dx, Loss);
        FiniteDifference.AssertMatches("state0", s0, ds0, Loss);
        if (!withLengths) return;
        // Past each length the input takes no part: zero gradient there.
        for (var t = 0; t < steps; t++)
            for (var b = 0; b < batch; b++)
                if (t >= lengths[b])
                    for (var j = 0; j < input; j++) Assert.Equal(0f, dx[(t * batch + b) * input + j]);
    }
}
