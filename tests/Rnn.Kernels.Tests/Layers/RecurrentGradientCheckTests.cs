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
        var p = FiniteDifference.Fill(random, stack.Layout.TotalLength, 0.5f);
        var x = FiniteDifference.Fill(random, steps * batch * input, 1f);
        var states0 = Enumerable.Range(0, depth)
            .Select(_ => carriedState ? FiniteDifference.Fill(random, stack.StateLength(batch), 0.8f) : new float[stack.StateLength(batch)]).ToArray();
        var gy = FiniteDifference.Fill(random, steps * batch * hidden, 1f);
        var gs = Enumerable.Range(0, depth).Select(_ => FiniteDifference.Fill(random, stack.StateLength(batch), 1f)).ToArray();

        stack.Forward(p, x, states0, steps, batch);
        var (dx, dStates0, dp) = stack.Backward(p, gy, gs, steps, batch);

        double Loss() => stack.Loss(p, x, states0, gy, gs, steps, batch);
        FiniteDifference.AssertMatches("parameters", p, dp, Loss);
        FiniteDifference.AssertMatches("x", x, dx, Loss);
        for (var l = 0; l < depth; l++) FiniteDifference.AssertMatches($"state0[{l}]", states0[l], dStates0[l], Loss);
    }
}
