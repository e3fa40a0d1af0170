using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Compute.LaneTranspose;
using static Rnn.Kernels.Layers.Activations;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Layers;

/// <summary>
/// LSTM with PyTorch's gate order i, f, g, o:
/// i,f,o = σ(W_i* x + b_i* + W_h* h + b_h*), g = tanh(...), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
/// </summary>
/// <remarks>
/// The batch runs as pieces of 16 rows, each through the whole window on one thread. A piece keeps its step data
/// lane-major ([unit, 16 lanes], lane r = batch row r of the piece): each step is one product of the packed joined
/// weights [W_hh | W_ih | b] with the step's joined inputs [h_{t-1} | x_t | 1] exactly as they lie (no packing, every
/// tile full), the gate math runs on whole vectors of lanes, and h_t lands straight in the next step's inputs.
/// Backward's Wᵀ·dG_t yields dh_{t-1} (and dx_t when wanted) the same way, and each piece's weight gradient dGᵀ·XH
/// over its T·16 lanes is one GEMM on operands written straight into panel layout, while they are still in cache.
/// Lanes past a short last piece carry zeros (and finite values derived from them) and never leave the piece.
/// With per-sample lengths (sorted longest first) a piece runs only as many steps as its first sample, and the samples
/// still running at a step are its first lanes: the step's products (forward and backward) take only those lanes
/// rounded up to 4 (Vector256 tiles of 8 lanes and of 4 lanes, two rows to a vector, at the cost per lane of the
/// 16-lane Vector512 tile where that costs two Vector256 FMAs, as on Zen 4), the gate math the first 8 or all 16, and
/// the weight-gradient GEMM exactly the running lanes of each step. So a packed window costs about Σ_t 4·⌈running/4⌉
/// lane-steps per piece in its step products and Σ lengths in its weight gradient, instead of 16 per piece-step. Every
/// element keeps the chain of operations it had on 16 lanes, so the bits are those of the 16-lane computation. The
/// lanes of samples that have ended hold finite values that never leave the piece: their outputs are written as
/// zeros, their final state is taken at their own last step, backward zeroes their gate gradients and sets a sample's
/// dh and dc from the final state's gradient at its last step.
/// </remarks>
public sealed class LstmLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute,
    bool reverse = false)
    : LaneMajorLayer(layout, index, inputSize, hiddenSize, 4, compute, reverse)
{
    // Lane-major, per piece: _xhT [T, JoinedWidth, 16] step inputs; _gatesT [T, 4H, 16] i,f,g,o after each step;
    // _cT [T+1, H, 16] cell states; _tanhCT [T, H, 16] tanh(c_t); _hLastT [H, 16] h_T. Backward, one step each:
    // _dxhT [width, 16] (= [dh | dx | …] of the step), _dcT [H, 16].
    private AlignedFloats? _xhT, _gatesT, _hLastT, _dxhT;
    private float[]? _cT, _tanhCT, _dcT;
    private JoinedWeights? _weights;
    private JoinedGradients[]? _weightGradients;

    public override int StateCount => 2;

    private int JoinedWidth => Weights.Width;

    private JoinedWeights Weights => _weights ??= new JoinedWeights(this, Compute);

    /// <summary>The joined matrix's weight gradient in backward's gradient groups.</summary>
    private protected override JoinedGradients[] WeightGradients => _weightGradients ??= [new JoinedGradients(Weights)];

    /// <summary>Rows of backward's step product: [dh | dx | …] when dx is wanted, else only dh.</summary>
    private int GradientWidth => WantsDx ? JoinedWidth : HiddenSize;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch, ReadOnlySpan<int> sortedLengths)
    {
        CheckShapes(x, state0, y, stateT, steps, batch, sortedLengths);
        // The worker wakes while this thread packs the weights (a sleeping thread takes ~0.2 ms to get its core back).
        Compute.WakeWorkers();
        int hs = HiddenSize, k = JoinedWidth, gh = 4 * hs, pieces = PieceCount(batch);
        _xhT = AlignedFloats.Grow(_xhT, pieces * steps * k * Lanes);
        _gatesT = AlignedFloats.Grow(_gatesT, pieces * steps * gh * Lanes);
        _hLastT = AlignedFloats.Grow(_hLastT, pieces * hs * Lanes);
        _cT = Grow(_cT, pieces * (steps + 1) * hs * Lanes);
        _tanhCT = Grow(_tanhCT, pieces * steps * hs * Lanes);
        LastSteps = steps;
        LastBatch = batch;

        // Pieces are fixed sets of batch rows (independent of the thread count), one hand-off per window (after the
        // weights' own, which packs W in parallel chunks; the pieces pack Wᵀ).
        Weights.Pack(parameters);
        RunPieces(x, state0, y, stateT);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        // The worker wakes while this thread sets up (a sleeping thread takes ~0.2 ms to get its core back).
        Compute.WakeWorkers();
        int hs = HiddenSize, pieces = PieceCount(LastBatch);
        if (_gatesT is null || _xhT is null || _cT is null || _tanhCT is null)
            throw new InvalidOperationException("Backward needs a Forward first");
        // Without dx the backward product stops after the h rows of the transposed joined weights.
        BeginBackward(dy, dStateT, dx, dState0);
        var width = GradientWidth;
        _dxhT = AlignedFloats.Grow(_dxhT, pieces * width * Lanes);
        _dcT = Grow(_dcT, pieces * hs * Lanes);
        RunBackward(dy, dStateT, dx, dState0, gradients);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected override unsafe void ForwardPiece(int piece)
    {
        int steps = LastSteps, batch = LastBatch, input = InputSize, hs = HiddenSize, k = JoinedWidth, gh = 4 * hs;
        int bh = batch * hs;
        var (b0, rows) = PieceRows(piece, batch);
        var packed = Packed;
        // The piece's first sample is its longest; past its length the piece only writes zero outputs.
        var pieceSteps = packed.Length(b0);
        int xhSize = k * Lanes, gateSize = gh * Lanes, unitSize = hs * Lanes;
        var xhT = _xhT!.Span.Slice(piece * steps * xhSize, steps * xhSize);
        var gatesT = _gatesT!.Span.Slice(piece * steps * gateSize, steps * gateSize);
        var cT = _cT.AsSpan(piece * (steps + 1) * unitSize, (steps + 1) * unitSize);
        var tanhCT = _tanhCT.AsSpan(piece * steps * unitSize, steps * unitSize);
        var hLastT = _hLastT!.Span.Slice(piece * unitSize, unitSize);
        if (rows < Lanes) cT[..unitSize].Clear();
        // Joined inputs [h_{t-1} | x_t | 1 | 0…] in lanes: h of step 0 is the initial state, later ones come from the
        // gate math.
        FillJoinedInputs(xhT, xhSize, hs, input, b0, rows, pieceSteps);
        ToLanes(Rows(PinnedState0, bh + b0 * hs, rows, hs), hs, rows, hs, cT);

        var xhBase = _xhT.Pointer + (nint)piece * steps * xhSize;
        var gatesBase = _gatesT.Pointer + (nint)piece * steps * gateSize;
        for (var t = 0; t < pieceSteps; t++)
        {
            var active = RunningRows(t, b0, rows);
            var lanes = StepLanes(active);
            // gates_t [4H, 16] = W_joined · xh_t [JoinedWidth, 16] (a packed window: the running lanes rounded up to 4),
            // stopping before the zero columns that pad the joined width to 16
            Compute.MultiplyLanes(Weights.Forward, gh, xhBase + (nint)t * xhSize, gatesBase + (nint)t * gateSize, lanes,
                hs + input + 1);
            var gates = gatesT.Slice(t * gateSize, gateSize);
            var cPrev = cT.Slice(t * unitSize, unitSize);
            var cNext = cT.Slice((t + 1) * unitSize, unitSize);
            var tanhC = tanhCT.Slice(t * unitSize, unitSize);
            // h_t goes straight into the next step's joined inputs.
            var hNext = t + 1 < steps ? xhT.Slice((t + 1) * xhSize, unitSize) : hLastT;
            if (lanes > HalfLanes && Use512)
            {
                // Sixteen lanes at a time, all five activations in one pass (32 ZMM registers hold their constants).
                for (var at = 0; at < unitSize; at += Width512) GateMath512.ActivateLstmCell(gates, unitSize, at, cPrev, cNext, tanhC, hNext);
            }
            else if (lanes > HalfLanes)
            {
                // One activation per pass keeps its constants in registers (all five at once spilled); same bits per element.
                SigmoidInPlace(gates[..(2 * unitSize)]);
                TanhInPlace(gates.Slice(2 * unitSize, unitSize));
                SigmoidInPlace(gates.Slice(3 * unitSize, unitSize));
                for (var at = 0; at < unitSize; at += Width) CellLanes(gates, unitSize, at, cPrev, cNext, tanhC, hNext);
            }
            else
            {
                // The first 8 lanes of each unit (the product wrote 4 or 8 of them): lanes past the product's hold
                // stale finite values that never leave the piece, as do lanes 12..15 after a 12-lane product.
                for (var at = 0; at < unitSize; at += Lanes) ActivateCellLanes(gates, unitSize, at, cPrev, cNext, tanhC, hNext);
            }
            // Samples [ended, active) of the piece take their last step now: their final state is this step's.
            var ended = WriteStepOutputs(hNext, t, b0, rows, active);
            if (ended < active)
                FromLanes(cNext[ended..], active - ended, hs, Rows(PinnedStateT, bh + (b0 + ended) * hs, active - ended, hs), hs);
        }
        ClearOutputsPast(pieceSteps, b0, rows);
        // Backward's Wᵀ, packed here in parallel pieces rather than serially before or after the window.
        Weights.PackBackwardShare(piece, PieceCount(batch));
    }

    /// <summary>Up to this many lanes a packed step's gate math runs on the first 8 lanes only.</summary>
    private const int HalfLanes = Lanes / 2;

    /// <summary>
    /// <see cref="CellLanes"/> from the gates before activation: σ(i), σ(f), tanh(g), σ(o) stored in place first (the
    /// same vector functions as the whole-block passes, so the same bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ActivateCellLanes(Span<float> g, int gateStride, int at, ReadOnlySpan<float> cPrev,
        Span<float> cNext, Span<float> tanhC, Span<float> hNext)
    {
        FullVector.Store(Sigmoid(FullVector.Load(g, at, Width)), g, at, Width);
        FullVector.Store(Sigmoid(FullVector.Load(g, gateStride + at, Width)), g, gateStride + at, Width);
        FullVector.Store(Tanh(FullVector.Load(g, 2 * gateStride + at, Width)), g, 2 * gateStride + at, Width);
        FullVector.Store(Sigmoid(FullVector.Load(g, 3 * gateStride + at, Width)), g, 3 * gateStride + at, Width);
        CellLanes(g, gateStride, at, cPrev, cNext, tanhC, hNext);
    }

    /// <summary>
    /// Eight lanes of one unit at offset <paramref name="at"/>, from the activated gates i,f,g,o (rows
    /// <paramref name="gateStride"/> apart): c, tanh c and h stored at the same offset of their blocks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CellLanes(ReadOnlySpan<float> g, int gateStride, int at, ReadOnlySpan<float> cPrev,
        Span<float> cNext, Span<float> tanhC, Span<float> hNext)
    {
        // c' = f ⊙ c + i ⊙ g ; h' = o ⊙ tanh(c')
        var c = FullVector.Load(g, gateStride + at, Width) * FullVector.Load(cPrev, at, Width)
            + FullVector.Load(g, at, Width) * FullVector.Load(g, 2 * gateStride + at, Width);
        var tc = Tanh(c);
        FullVector.Store(c, cNext, at, Width);
        FullVector.Store(tc, tanhC, at, Width);
        FullVector.Store(FullVector.Load(g, 3 * gateStride + at, Width) * tc, hNext, at, Width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected override unsafe void BackwardPiece(int group, int piece)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 4 * hs, bh = batch * hs;
        int width = GradientWidth;
        var (b0, rows) = PieceRows(piece, batch);
        var pieceSteps = Packed.Length(b0);
        var gateGradients = WeightGradients[0].GateGradients(group);
        var inputs = WeightGradients[0].Inputs(group, pieceSteps);
        int gateSize = gh * Lanes, unitSize = hs * Lanes;
        var gatesT = _gatesT!.Span.Slice(piece * steps * gateSize, steps * gateSize);
        var cT = _cT.AsSpan(piece * (steps + 1) * unitSize, (steps + 1) * unitSize);
        var tanhCT = _tanhCT.AsSpan(piece * steps * unitSize, steps * unitSize);
        var dxh = _dxhT!.Span.Slice(piece * width * Lanes, width * Lanes);
        var dc = _dcT.AsSpan(piece * unitSize, unitSize);
        var dyT = DyLanes(piece, rows);
        if (rows < Lanes)
        {
            // Zero gradients in the unused lanes keep every gate gradient there exactly zero.
            dxh[..unitSize].Clear();
            dc.Clear();
        }
        if (WantsDx) ClearInputGradientsPast(pieceSteps, b0, rows);
        var dxhPointer = _dxhT.Pointer + (nint)piece * width * Lanes;
        for (var t = pieceSteps - 1; t >= 0; t--)
        {
            // Samples [ended, active) take their last step at t: the gradient on their final state enters here, where
            // each step's product leaves the gradient on h_{t-1}.
            var (active, ended) = ReadStepGradients(dxh, dyT, t, b0, rows);
            ToLanes(Rows(PinnedDStateT, bh + (b0 + ended) * hs, active - ended, hs), hs, active - ended, hs, dc[ended..]);
            var gates = gatesT.Slice(t * gateSize, gateSize);
            var cPrev = cT.Slice(t * unitSize, unitSize);
            var tanhC = tanhCT.Slice(t * unitSize, unitSize);
            var dG = gateGradients.Span.Slice(t * gateSize, gateSize);
            // As forward, only the running lanes rounded up to 4 (and the gate math on the first 8 or all 16): the
            // other lanes of dG, dh and dc hold stale values that are never read, a sample's dh and dc being set from
            // the final state's gradient at its last step.
            var lanes = StepLanes(active);
            var at = 0;
            if (lanes > HalfLanes)
            {
                if (Use512) for (; at < unitSize; at += Width512) GateMath512.LstmBackward(gates, unitSize, at, dG, dxh, dyT, tanhC, cPrev, dc);
                for (; at < unitSize; at += Width) BackwardLanes(gates, unitSize, at, dG, dxh, dyT, tanhC, cPrev, dc);
            }
            else
                for (; at < unitSize; at += Lanes) BackwardLanes(gates, unitSize, at, dG, dxh, dyT, tanhC, cPrev, dc);
            // Samples that ended before t take no part: zero gate gradients (so no weight gradient, and zero dh, dx).
            var computed = Math.Min(rows, lanes);
            if (active < computed) LaneBlocks.ClearLanes(dG, active, computed);
            ToPackedRows(_xhT!.Span.Slice((piece * steps + t) * JoinedWidth * Lanes, JoinedWidth * Lanes), inputs, t * Lanes);
            // [dh_{t-1} | dx_t | …] = [W_hh | W_ih | …]ᵀ · dG_t (only the first width rows); at t = 0 only for the
            // initial state's gradient and dx_0, when wanted
            if (t > 0 || WantsDx || WantsDState0)
                Compute.MultiplyLanes(Weights.Backward, width, gateGradients.Pointer + (nint)t * gateSize, dxhPointer, lanes);
            if (WantsDx) WriteInputGradient(dxh[(hs * Lanes)..], t, b0, rows, computed);
        }
        if (WantsDState0)
        {
            FromLanes(dxh, rows, hs, Rows(PinnedDState0, b0 * hs, rows, hs), hs);
            FromLanes(dc, rows, hs, Rows(PinnedDState0, bh + b0 * hs, rows, hs), hs);
        }
    }

    /// <summary>Eight lanes of one unit of backward: dGates at <paramref name="at"/> from the activations, dc updated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardLanes(ReadOnlySpan<float> g, int gateStride, int at, Span<float> d,
        ReadOnlySpan<float> dhNext, ReadOnlySpan<float> dyT, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> cPrev,
        Span<float> dc)
    {
        var one = Vector256<float>.One;
        // dh += dy; dc += dh ⊙ o ⊙ (1 - tanh²c); pre-activation gradients through σ' = σ(1-σ) and tanh' = 1 - tanh²
        var i = FullVector.Load(g, at, Width);
        var f = FullVector.Load(g, gateStride + at, Width);
        var gg = FullVector.Load(g, 2 * gateStride + at, Width);
        var og = FullVector.Load(g, 3 * gateStride + at, Width);
        var h = FullVector.Load(dhNext, at, Width) + FullVector.Load(dyT, at, Width);
        var tc = FullVector.Load(tanhC, at, Width);
        var c = FullVector.Load(dc, at, Width) + h * og * (one - tc * tc);
        FullVector.Store(c * gg * i * (one - i), d, at, Width);
        FullVector.Store(c * FullVector.Load(cPrev, at, Width) * f * (one - f), d, gateStride + at, Width);
        FullVector.Store(c * i * (one - gg * gg), d, 2 * gateStride + at, Width);
        FullVector.Store(h * tc * og * (one - og), d, 3 * gateStride + at, Width);
        FullVector.Store(c * f, dc, at, Width);
    }
}
