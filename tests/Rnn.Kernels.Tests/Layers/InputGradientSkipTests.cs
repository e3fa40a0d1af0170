using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// A layer asked for no input gradient (empty dx, as the model does for its first layer) or no initial-state gradient
/// (truncated BPTT) skips that work but must give exactly the same parameter (and state) gradients as when they are
/// wanted.
/// </summary>
public sealed class InputGradientSkipTests
{
    [Theory]
    [InlineData(RecurrentCell.Lstm, 5, 12)]
    [InlineData(RecurrentCell.Lstm, 28, 128)]
    [InlineData(RecurrentCell.Gru, 5, 12)]
    [InlineData(RecurrentCell.SimpleRnn, 5, 12)]
    public void SkippingInputOrInitialStateGradientsLeavesTheOthersBitIdentical(RecurrentCell cell, int input, int hidden)
    {
        const int steps = 6, batch = 19;
        using var compute = new CpuCompute(2);
        var @case = new RecurrentLayerCase(cell, input, hidden, compute);
        var (layer, parameters) = (@case.Layer, @case.Parameters);
        var Random = @case.Random;
        var x = Random(steps * batch * input);
        var state0 = Random(layer.StateCount * batch * hidden);
        var dy = Random(steps * batch * hidden);
        var dStateT = Random(state0.Length);
        var y = new float[dy.Length];
        var stateT = new float[state0.Length];

        layer.Forward(parameters, x, state0, y, stateT, steps, batch);
        var withDx = new float[parameters.Length];
        var dState0WithDx = new float[state0.Length];
        var dx = new float[x.Length];
        layer.Backward(parameters, dy, dStateT, dx, dState0WithDx, withDx);

        layer.Forward(parameters, x, state0, y, stateT, steps, batch);
        var withoutDx = new float[parameters.Length];
        var dState0WithoutDx = new float[state0.Length];
        layer.Backward(parameters, dy, dStateT, [], dState0WithoutDx, withoutDx);

        layer.Forward(parameters, x, state0, y, stateT, steps, batch);
        var withNeither = new float[parameters.Length];
        layer.Backward(parameters, dy, dStateT, [], [], withNeither);

        Assert.Equal(withDx, withoutDx);
        Assert.Equal(withDx, withNeither);
        Assert.Equal(dState0WithDx, dState0WithoutDx);
        Assert.Contains(dx, v => v != 0f);
        Assert.Contains(dState0WithDx, v => v != 0f);
    }
}
