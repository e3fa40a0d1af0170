using System.Runtime.CompilerServices;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Layers;

/// <summary>
/// An LSTM's weights as one matrix [W_hh | W_ih | b_ih + b_hh | 0…] [4H, Width], packed once per pass as six-row
/// panels both ways: as is for the forward step product W·[h_{t-1} | x_t | 1] (recurrence, input projection and bias
/// in one product) and transposed for backward's Wᵀ·dG = [dh_{t-1} | dx_t | …]. The gradient of that matrix,
/// dW = dGᵀ·XH, is added back to the parameter gradients column range by column range.
/// </summary>
internal sealed class JoinedWeights(RecurrentLayer layer, CpuCompute compute)
{
    private float[]? _joined;
    private PackedPanels? _forward, _backward;

    /// <summary>
    /// Width of the joined step rows [h_{t-1} | x_t | 1 | 0…]: the constant 1 carries the bias through the products,
    /// and the zero padding to whole 16-column panels keeps every tile of the weight gradient full. h comes first so
    /// that backward can stop after its rows when the input gradient is not wanted.
    /// </summary>
    public static int WidthFor(int inputSize, int hiddenSize) => GemmPlan.RoundUp(inputSize + hiddenSize + 1, 16);

    /// <summary>W for the forward step products (valid after <see cref="Pack"/>).</summary>
    public PackedPanels Forward =>
        _forward ?? throw new InvalidOperationException("the joined weights are not packed yet");

    /// <summary>Wᵀ for the backward step products (valid after <see cref="Pack"/>).</summary>
    public PackedPanels Backward =>
        _backward ?? throw new InvalidOperationException("the joined weights are not packed yet");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(ReadOnlySpan<float> parameters)
    {
        int input = layer.InputSize, hs = layer.HiddenSize, gh = layer.GateCount * hs, k = WidthFor(input, hs);
        _joined = Grow(_joined, gh * k);
        var wIh = layer.WeightIh.Of(parameters);
        var wHh = layer.WeightHh.Of(parameters);
        var bIh = layer.BiasIh.Of(parameters);
        var bHh = layer.BiasHh.Of(parameters);
        for (var g = 0; g < gh; g++)
        {
            var row = _joined.AsSpan(g * k, k);
            wHh.Slice(g * hs, hs).CopyTo(row);
            wIh.Slice(g * input, input).CopyTo(row[hs..]);
            row[input + hs] = bIh[g] + bHh[g];
            row[(input + hs + 1)..].Clear();
        }
        var joined = _joined.AsSpan(0, gh * k);
        _forward = compute.PackPanels(false, gh, k, joined, _forward);
        _backward = compute.PackPanels(true, k, gh, joined, _backward);
    }

    /// <summary>Adds dW [4H, Width]: its columns are W_hh's, W_ih's and (the ones column) both biases'.</summary>
    public void AddGradients(ReadOnlySpan<float> dW, Span<float> gradients)
    {
        int input = layer.InputSize, hs = layer.HiddenSize, k = WidthFor(input, hs);
        AddColumns(dW, k, 0, hs, layer.WeightHh.Of(gradients));
        AddColumns(dW, k, hs, input, layer.WeightIh.Of(gradients));
        AddColumns(dW, k, input + hs, 1, layer.BiasIh.Of(gradients));
        AddColumns(dW, k, input + hs, 1, layer.BiasHh.Of(gradients));
    }

    /// <summary>target[r, j] += m[r, first + j] for j &lt; count: one column range of a row-major matrix.</summary>
    private static void AddColumns(ReadOnlySpan<float> m, int cols, int first, int count, Span<float> target)
    {
        var rows = target.Length / count;
        for (var r = 0; r < rows; r++)
            ElementwiseSum.AddInto(m.Slice(r * cols + first, count), target.Slice(r * count, count));
    }
}
