using System.Runtime.CompilerServices;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Compute.LaneTranspose;

namespace Rnn.Kernels.Layers;

/// <summary>
/// One joined matrix's weight gradient in backward's gradient groups (<see cref="LaneMajorLayer"/>): per group the gate
/// gradients of its current piece, lane-major [T, G·H, 16] (the weight-gradient GEMM reads them as they lie), the
/// piece's joined inputs [depth·16, width] packed, in depths of whole 16-step blocks ([group, block count - 1], made
/// once per shape), and the group's weight gradient [G·H, width], which the layer sums over the groups into the
/// parameter gradients. The LSTM and the simple RNN have one, the GRU two ([W_ih | b_ih] and [W_hh | b_hh]).
/// </summary>
internal sealed class JoinedGradients(JoinedWeights weights)
{
    private AlignedFloats?[] _gateGradients = [];
    private PackedMatrix?[] _inputs = [];
    private float[]? _weightGradients;
    private int _steps, _rows;

    public JoinedWeights Weights => weights;

    /// <summary>The groups' weight gradients [group, G·H, width] (valid after <see cref="Prepare"/>).</summary>
    public float[] GroupWeightGradients =>
        _weightGradients ?? throw new InvalidOperationException("the gradient groups are not prepared");

    /// <summary>Sizes the buffers for <paramref name="groups"/> groups of a window of <paramref name="steps"/> steps, G·H = <paramref name="rows"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Prepare(int groups, int steps, int rows)
    {
        _steps = steps;
        _rows = rows;
        _weightGradients = ReusableBuffer.Grow(_weightGradients, groups * rows * weights.Width);
        if (_gateGradients.Length < groups) Array.Resize(ref _gateGradients, groups);
        for (var g = 0; g < groups; g++) _gateGradients[g] = AlignedFloats.Grow(_gateGradients[g], steps * rows * Lanes);
        var slots = groups * DepthBlocks(steps);
        if (_inputs.Length < slots) Array.Resize(ref _inputs, slots);
    }

    /// <summary>Group <paramref name="group"/>'s gate gradients [T, G·H, 16] of its current piece.</summary>
    public AlignedFloats GateGradients(int group) => _gateGradients[group]!;

    /// <summary>
    /// Group <paramref name="group"/>'s packed joined inputs [<see cref="DepthSteps"/>·16, width] for a piece of
    /// <paramref name="pieceSteps"/> steps (the same matrix for every piece of that depth).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PackedMatrix Inputs(int group, int pieceSteps)
    {
        var depth = DepthSteps(pieceSteps) * Lanes;
        var slot = group * DepthBlocks(_steps) + DepthBlocks(pieceSteps) - 1;
        var rows = _inputs[slot];
        if (rows is null || rows.K != depth || rows.N != weights.Width) _inputs[slot] = rows = new PackedMatrix(depth, weights.Width);
        return rows;
    }

    /// <summary>Group <paramref name="group"/>'s weight gradient [G·H, width].</summary>
    public Span<float> WeightGradient(int group) =>
        _weightGradients.AsSpan(group * _rows * weights.Width, _rows * weights.Width);

    /// <summary>
    /// Steps of a piece's weight-gradient GEMM: its <paramref name="pieceSteps"/> rounded up to a whole 16-step block
    /// (at most T); the steps past its length take part with zero gate gradients.
    /// </summary>
    public int DepthSteps(int pieceSteps) => Math.Min(_steps, DepthBlocks(pieceSteps) * Lanes);

    private static int DepthBlocks(int steps) => (steps + Lanes - 1) / Lanes;
}
