using System.Runtime.CompilerServices;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Layers;

/// <summary>
/// A recurrent layer's weights joined into one matrix [W_hh | W_ih | b | 0…] [G·H, Width] with the biases of the parts
/// it holds summed into one column, packed once per pass (in parallel pieces) as six-row panels both ways: as is for
/// the forward step product W·[h_{t-1} | x_t | 1] (recurrence, input projection and bias in one product) and transposed
/// for backward's Wᵀ·dG = [dh_{t-1} | dx_t | …]. The gradient of that matrix, dW = dGᵀ·XH, is added back to the
/// parameter gradients column range by column range. The LSTM joins both parts ([W_hh | W_ih | b_ih + b_hh]); the GRU,
/// whose n gate needs W_hn·h + b_hn on its own, joins each part with its own bias ([W_hh | b_hh] and [W_ih | b_ih]).
/// </summary>
internal sealed class JoinedWeights(RecurrentLayer layer, CpuCompute compute, bool withRecurrent = true, bool withInput = true)
{
    private AlignedFloats? _joined;
    private PackedPanels? _forward, _backward;
    // The parameters, pinned for the duration of Pack's ParallelFor (a delegate cannot hold a span).
    private unsafe float* _parameters;
    private int _parameterCount;
    private Action<int>? _packForwardChunk;

    /// <summary>W_hh's columns (H, or none).</summary>
    private int RecurrentColumns => withRecurrent ? layer.HiddenSize : 0;

    /// <summary>W_ih's columns (I, or none).</summary>
    private int InputColumns => withInput ? layer.InputSize : 0;

    /// <summary>The columns in use: the parts and the bias column (the rest of <see cref="Width"/> is zero).</summary>
    public int Depth => RecurrentColumns + InputColumns + 1;

    /// <summary>
    /// Columns of the joined step rows [h_{t-1} | x_t | 1 | 0…]: the constant 1 carries the bias through the products,
    /// and the zero padding to whole 16-column panels keeps every tile of the weight gradient full. h comes first so
    /// that backward can stop after its rows when the input gradient is not wanted.
    /// </summary>
    public int Width => GemmPlan.RoundUp(Depth, 16);

    /// <summary>W for the forward step products (valid after <see cref="Pack"/>).</summary>
    public PackedPanels Forward =>
        _forward ?? throw new InvalidOperationException("the joined weights are not packed yet");

    /// <summary>Wᵀ for the backward step products (valid after <see cref="Pack"/>).</summary>
    public PackedPanels Backward =>
        _backward ?? throw new InvalidOperationException("the joined weights are not packed yet");

    /// <summary>
    /// Packs W for the forward step products, split over the threads (chunks of rows copied into the joined matrix
    /// and packed as they come). Wᵀ is left to <see cref="PackBackwardShare"/>, which the forward pieces run after
    /// their steps so that it needs no serial time of its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void Pack(ReadOnlySpan<float> parameters)
    {
        int gh = layer.GateCount * layer.HiddenSize, k = Width;
        _joined = AlignedFloats.Grow(_joined, gh * k);
        if (_forward is null || _forward.M != gh || _forward.K != k) _forward = new PackedPanels(gh, k);
        if (_backward is null || _backward.M != k || _backward.K != gh) _backward = new PackedPanels(k, gh);
        _packForwardChunk ??= PackForwardChunk;
        fixed (float* p = parameters)
        {
            _parameters = p;
            _parameterCount = parameters.Length;
            try
            {
                compute.ParallelFor((_forward.Panels + PanelsPerChunk - 1) / PanelsPerChunk, _packForwardChunk);
            }
            finally
            {
                _parameters = null;
            }
        }
    }

    /// <summary>
    /// Packs share <paramref name="share"/> of <paramref name="shares"/> of Wᵀ's panels (after <see cref="Pack"/>;
    /// every share must be packed before <see cref="Backward"/> is used). Which thread packs a share changes no value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void PackBackwardShare(int share, int shares)
    {
        var backward = Backward;
        var panels = backward.Panels;
        int first = (int)((long)panels * share / shares), end = (int)((long)panels * (share + 1) / shares);
        if (end > first) compute.PackPanelRange(true, _joined!.Pointer, backward, first, end - first);
    }

    /// <summary>Forward panels per chunk of <see cref="Pack"/>: 48 rows of the joined matrix.</summary>
    private const int PanelsPerChunk = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void PackForwardChunk(int chunk)
    {
        int hs = RecurrentColumns, input = InputColumns, gh = layer.GateCount * layer.HiddenSize, k = Width;
        var parameters = new ReadOnlySpan<float>(_parameters, _parameterCount);
        var wIh = layer.WeightIh.Of(parameters);
        var wHh = layer.WeightHh.Of(parameters);
        var bIh = layer.BiasIh.Of(parameters);
        var bHh = layer.BiasHh.Of(parameters);
        var joined = _joined!.Span;
        int first = chunk * PanelsPerChunk * GemmMicroKernel.MR, end = Math.Min(gh, first + PanelsPerChunk * GemmMicroKernel.MR);
        for (var g = first; g < end; g++)
        {
            var row = joined.Slice(g * k, k);
            wHh.Slice(g * hs, hs).CopyTo(row);
            wIh.Slice(g * input, input).CopyTo(row[hs..]);
            row[input + hs] = withRecurrent && withInput ? bIh[g] + bHh[g] : withRecurrent ? bHh[g] : bIh[g];
            row[(input + hs + 1)..].Clear();
        }
        compute.PackPanelRange(false, _joined.Pointer, _forward!, chunk * PanelsPerChunk, PanelsPerChunk);
    }

    /// <summary>
    /// Adds rows [<paramref name="first"/>, first + <paramref name="rows"/>) of dW [G·H, Width], given as <paramref
    /// name="block"/>: their columns are W_hh's, W_ih's and (the ones column) the joined biases'. Row ranges are
    /// independent, so pieces can share the work.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddGradients(ReadOnlySpan<float> block, Span<float> gradients, int first, int rows)
    {
        int hs = RecurrentColumns, input = InputColumns, k = Width;
        block = block[..(rows * k)];
        if (withRecurrent) AddColumns(block, k, 0, hs, layer.WeightHh.Of(gradients).Slice(first * hs, rows * hs));
        if (withInput) AddColumns(block, k, hs, input, layer.WeightIh.Of(gradients).Slice(first * input, rows * input));
        if (withInput) AddColumns(block, k, input + hs, 1, layer.BiasIh.Of(gradients).Slice(first, rows));
        if (withRecurrent) AddColumns(block, k, input + hs, 1, layer.BiasHh.Of(gradients).Slice(first, rows));
    }

    /// <summary>target[r, j] += m[r, first + j] for j &lt; count: one column range of a row-major matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddColumns(ReadOnlySpan<float> m, int cols, int first, int count, Span<float> target)
    {
        var rows = target.Length / count;
        for (var r = 0; r < rows; r++)
            ElementwiseSum.AddInto(m.Slice(r * cols + first, count), target.Slice(r * count, count));
    }
}
