using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// A layer whose caller uses only its final state (no return_sequences) gets no y to write and no dy (empty spans):
/// the final state, and every gradient after backward, must carry the bits of writing y and of an all-zero dy.
/// </summary>
public sealed class OutputSkipTests
{
    [Theory]
    [InlineData(RecurrentCell.Lstm, false)]
    [InlineData(RecurrentCell.Lstm, true)]
    [InlineData(RecurrentCell.Gru, false)]
    [InlineData(RecurrentCell.Gru, true)]
    [InlineData(RecurrentCell.SimpleRnn, false)]
    [InlineData(RecurrentCell.SimpleRnn, true)]
    public void NoOutputsAndNoOutputGradientGiveTheBitsOfWrittenOutputsAndAZeroGradient(RecurrentCell cell, bool packed)
    {
        const int input = 5, hidden = 12, steps = 6, batch = 35; // three pieces, the last short
        using var compute = new CpuCompute(2);
        var @case = new RecurrentLayerCase(cell, input, hidden, compute);
        var (layer, parameters) = (@case.Layer, @case.Parameters);
        int[] lengths = packed ? Enumerable.Range(0, batch).Select(b => steps - b * steps / batch).ToArray() : [];
        var x = @case.Random(steps * batch * input);
        var state0 = @case.Random(layer.StateCount * batch * hidden);
        var dStateT = @case.Random(state0.Length);

        var stateWithY = new float[state0.Length];
        layer.Forward(parameters, x, state0, new float[steps * batch * hidden], stateWithY, steps, batch, lengths);
        var (gradientsZeroDy, dxZeroDy, dState0ZeroDy) = Backward(layer, parameters, new float[steps * batch * hidden], dStateT, x.Length);

        var stateWithoutY = new float[state0.Length];
        layer.Forward(parameters, x, state0, [], stateWithoutY, steps, batch, lengths);
        var (gradientsNoDy, dxNoDy, dState0NoDy) = Backward(layer, parameters, [], dStateT, x.Length);

        AssertSameBits(stateWithY, stateWithoutY);
        AssertSameBits(gradientsZeroDy, gradientsNoDy);
        AssertSameBits(dxZeroDy, dxNoDy);
        AssertSameBits(dState0ZeroDy, dState0NoDy);
        Assert.Contains(gradientsNoDy, v => v != 0f);
        Assert.Contains(dxNoDy, v => v != 0f);
    }

    private static (float[] Gradients, float[] Dx, float[] DState0) Backward(RecurrentLayer layer, float[] parameters,
        float[] dy, float[] dStateT, int inputs)
    {
        var gradients = new float[parameters.Length];
        var dx = new float[inputs];
        var dState0 = new float[dStateT.Length];
        layer.Backward(parameters, dy, dStateT, dx, dState0, gradients);
        return (gradients, dx, dState0);
    }

    private static void AssertSameBits(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
