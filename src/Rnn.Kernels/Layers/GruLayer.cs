using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Compute.LaneTranspose;
using static Rnn.Kernels.Layers.Activations;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Layers;

/// <summary>
/// GRU with PyTorch's gate order r, z, n (Keras reset_after=True): r,z = σ(W_i* x + b_i* + W_h* h + b_h*),
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 - z) ⊙ n + z ⊙ h.
/// </summary>
/// <remarks>
/// Laid out as the LSTM (<see cref="LaneMajorLayer"/>, <see cref="LstmLayer"/>): the batch runs as pieces of 16 rows,
/// each through the whole window on one thread, its step data lane-major ([unit, 16 lanes], lane r = batch row r). The
/// n gate needs W_hn·h + b_hn on its own, so each step takes two products instead of the LSTM's one:
/// [W_ih | b_ih]·[x_t | 1] and [W_hh | b_hh]·[h_{t-1} | 1] (<see cref="JoinedWeights"/> of one part each), both on the
/// operands as they lie, h_t landing straight in the next step's. Backward's [W_hh | b_hh]ᵀ·dGh_t adds the gradient on h_{t-1} to its
/// direct part dh ⊙ z, [W_ih | b_ih]ᵀ·dGx_t gives dx_t when wanted, and each piece's weight gradients (biases included,
/// through the ones row) are two GEMMs over its T·16 lanes. Per-sample lengths run as in the LSTM: a piece runs as many
/// steps as its first sample, the step products take the running lanes rounded up to 4, the weight gradients exactly
/// the running lanes; lanes past them hold finite values that never leave the piece.
/// </remarks>
public sealed class GruLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute,
    bool reverse = false)
    : LaneMajorLayer(layout, index, inputSize, hiddenSize, 3, compute, reverse)
{
    // Lane-major, per piece: _xT [T, XW, 16] [x_t | 1 | 0…]; _hT [T+1, HW, 16] [h_{t-1} | 1 | 0…], slot t+1 taking
    // h_t; _gatesT [T, 3H, 16] W_ih x + b_ih, then r, z, n after the step; _ghT [T, 3H, 16] W_hh h + b_hh.
    // Backward, per piece: _dhT [H, 16] the gradient on the current h, _dxT [I, 16].
    private AlignedFloats? _xT, _hT, _gatesT, _ghT, _dhT, _dxT;
    private JoinedWeights? _inputWeights, _hiddenWeights;
    private JoinedGradients[]? _weightGradients;

    private JoinedWeights InputWeights => _inputWeights ??= new JoinedWeights(this, Compute, withRecurrent: false);

    private JoinedWeights HiddenWeights => _hiddenWeights ??= new JoinedWeights(this, Compute, withInput: false);

    /// <summary>The two joined matrices' weight gradients in backward's gradient groups: [W_ih | b_ih], [W_hh | b_hh].</summary>
    private protected override JoinedGradients[] WeightGradients =>
        _weightGradients ??= [new JoinedGradients(InputWeights), new JoinedGradients(HiddenWeights)];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch, ReadOnlySpan<int> sortedLengths)
    {
        CheckShapes(x, state0, y, stateT, steps, batch, sortedLengths);
        Compute.WakeWorkers();
        int gh = 3 * HiddenSize, pieces = PieceCount(batch);
        _xT = AlignedFloats.Grow(_xT, pieces * steps * InputWeights.Width * Lanes);
        _hT = AlignedFloats.Grow(_hT, pieces * (steps + 1) * HiddenWeights.Width * Lanes);
        _gatesT = AlignedFloats.Grow(_gatesT, pieces * steps * gh * Lanes);
        _ghT = AlignedFloats.Grow(_ghT, pieces * steps * gh * Lanes);
        LastSteps = steps;
        LastBatch = batch;
        InputWeights.Pack(parameters);
        HiddenWeights.Pack(parameters);
        RunPieces(x, state0, y, stateT);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        Compute.WakeWorkers();
        int hs = HiddenSize, pieces = PieceCount(LastBatch);
        if (_gatesT is null || _ghT is null || _xT is null || _hT is null)
            throw new InvalidOperationException("Backward needs a Forward first");
        BeginBackward(dy, dStateT, dx, dState0);
        _dhT = AlignedFloats.Grow(_dhT, pieces * hs * Lanes);
        _dxT = AlignedFloats.Grow(_dxT, pieces * InputSize * Lanes);
        RunBackward(dy, dStateT, dx, dState0, gradients);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected override unsafe void ForwardPiece(int piece)
    {
        int steps = LastSteps, batch = LastBatch, input = InputSize, hs = HiddenSize, gh = 3 * hs;
        var (b0, rows) = PieceRows(piece, batch);
        var packed = Packed;
        var pieceSteps = packed.Length(b0);
        int xSize = InputWeights.Width * Lanes, hSize = HiddenWeights.Width * Lanes, gateSize = gh * Lanes, unitSize = hs * Lanes;
        var xT = _xT!.Span.Slice(piece * steps * xSize, steps * xSize);
        var hT = _hT!.Span.Slice(piece * (steps + 1) * hSize, (steps + 1) * hSize);
        var gatesT = _gatesT!.Span.Slice(piece * steps * gateSize, steps * gateSize);
        var ghT = _ghT!.Span.Slice(piece * steps * gateSize, steps * gateSize);
        // [x_t | 1 | 0…] for every step and [h | 1 | 0…] slots whose h part the steps fill (slot 0: the initial state).
        FillJoinedInputs(xT, xSize, 0, input, b0, rows, pieceSteps);
        FillJoinedInputs(hT, hSize, hs, 0, b0, rows, pieceSteps);

        var xBase = _xT.Pointer + (nint)piece * steps * xSize;
        var hBase = _hT.Pointer + (nint)piece * (steps + 1) * hSize;
        var gatesBase = _gatesT.Pointer + (nint)piece * steps * gateSize;
        var ghBase = _ghT.Pointer + (nint)piece * steps * gateSize;
        for (var t = 0; t < pieceSteps; t++)
        {
            var active = RunningRows(t, b0, rows);
            var lanes = StepLanes(active);
            // gx_t [3H, 16] = [W_ih | b_ih]·[x_t | 1]; gh_t = [W_hh | b_hh]·[h_{t-1} | 1] (the running lanes rounded up to 4)
            Compute.MultiplyLanes(InputWeights.Forward, gh, xBase + (nint)t * xSize, gatesBase + (nint)t * gateSize,
                lanes, InputWeights.Depth);
            Compute.MultiplyLanes(HiddenWeights.Forward, gh, hBase + (nint)t * hSize, ghBase + (nint)t * gateSize,
                lanes, HiddenWeights.Depth);
            var gates = gatesT.Slice(t * gateSize, gateSize);
            var ghh = ghT.Slice(t * gateSize, gateSize);
            var hPrev = hT.Slice(t * hSize, unitSize);
            var hNext = hT.Slice((t + 1) * hSize, unitSize);
            // All 16 lanes (lanes past the product's hold finite stale values that never leave the piece).
            var at = 0;
            if (Use512) for (; at < unitSize; at += Width512) GateMath512.GruForward(gates, ghh, hPrev, hNext, unitSize, at, at);
            for (; at < unitSize; at += Width) ForwardUnits(gates, ghh, hPrev, hNext, unitSize, at);
            WriteStepOutputs(hNext, t, b0, rows, active);
        }
        ClearOutputsPast(pieceSteps, b0, rows);
        // Backward's transposed weights, packed here in parallel pieces rather than serially.
        InputWeights.PackBackwardShare(piece, PieceCount(batch));
        HiddenWeights.PackBackwardShare(piece, PieceCount(batch));
    }

    /// <summary>Eight lanes of one unit at <paramref name="at"/>: r, z, n replace gx; h' stored at the same offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardUnits(Span<float> gx, ReadOnlySpan<float> ghh, ReadOnlySpan<float> hPrev,
        Span<float> hNext, int unitSize, int at)
    {
        var one = Vector256<float>.One;
        // r, z = σ(gx + gh); n = tanh(gx_n + r ⊙ gh_n); h' = (1 - z) ⊙ n + z ⊙ h
        var r = Sigmoid(FullVector.Load(gx, at, Width) + FullVector.Load(ghh, at, Width));
        var z = Sigmoid(FullVector.Load(gx, unitSize + at, Width) + FullVector.Load(ghh, unitSize + at, Width));
        var n = Tanh(FullVector.Load(gx, 2 * unitSize + at, Width) + r * FullVector.Load(ghh, 2 * unitSize + at, Width));
        FullVector.Store(r, gx, at, Width);
        FullVector.Store(z, gx, unitSize + at, Width);
        FullVector.Store(n, gx, 2 * unitSize + at, Width);
        FullVector.Store((one - z) * n + z * FullVector.Load(hPrev, at, Width), hNext, at, Width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected override unsafe void BackwardPiece(int group, int piece)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, input = InputSize, gh = 3 * hs;
        var (b0, rows) = PieceRows(piece, batch);
        var pieceSteps = Packed.Length(b0);
        var (dGx, dGh) = (WeightGradients[0].GateGradients(group), WeightGradients[1].GateGradients(group));
        var (inputs, states) = (WeightGradients[0].Inputs(group, pieceSteps), WeightGradients[1].Inputs(group, pieceSteps));
        int xSize = InputWeights.Width * Lanes, hSize = HiddenWeights.Width * Lanes, gateSize = gh * Lanes, unitSize = hs * Lanes;
        var xT = _xT!.Span.Slice(piece * steps * xSize, steps * xSize);
        var hT = _hT!.Span.Slice(piece * (steps + 1) * hSize, (steps + 1) * hSize);
        var gatesT = _gatesT!.Span.Slice(piece * steps * gateSize, steps * gateSize);
        var ghT = _ghT!.Span.Slice(piece * steps * gateSize, steps * gateSize);
        var dh = _dhT!.Span.Slice(piece * unitSize, unitSize);
        var dyT = DyLanes(piece, rows);
        var dxPointer = _dxT!.Pointer + (nint)piece * input * Lanes;
        var dhPointer = _dhT.Pointer + (nint)piece * unitSize;
        // Zero gradients in the unused lanes keep every gate gradient there exactly zero.
        if (rows < Lanes) dh.Clear();
        if (WantsDx) ClearInputGradientsPast(pieceSteps, b0, rows);
        for (var t = pieceSteps - 1; t >= 0; t--)
        {
            // Samples [ended, active) take their last step at t: the gradient on their final state enters here.
            var (active, _) = ReadStepGradients(dh, dyT, t, b0, rows);
            var gates = gatesT.Slice(t * gateSize, gateSize);
            var ghh = ghT.Slice(t * gateSize, gateSize);
            var hPrev = hT.Slice(t * hSize, unitSize);
            var dgx = dGx.Span.Slice(t * gateSize, gateSize);
            var dgh = dGh.Span.Slice(t * gateSize, gateSize);
            var lanes = StepLanes(active);
            var at = 0;
            if (Use512) for (; at < unitSize; at += Width512) GateMath512.GruBackward(gates, ghh, dgx, dgh, dh, dyT, hPrev, unitSize, at, at);
            for (; at < unitSize; at += Width) BackwardUnits(gates, ghh, dgx, dgh, dh, dyT, hPrev, unitSize, at);
            // Samples that ended before t take no part: zero gate gradients (so no weight gradient and zero dx).
            var computed = Math.Min(rows, lanes);
            if (active < computed)
            {
                LaneBlocks.ClearLanes(dgx, active, computed);
                LaneBlocks.ClearLanes(dgh, active, computed);
            }
            ToPackedRows(xT.Slice(t * xSize, xSize), inputs, t * Lanes);
            ToPackedRows(hT.Slice(t * hSize, hSize), states, t * Lanes);
            // dh_{t-1} = dh ⊙ z + W_hhᵀ·dGh_t (at t = 0 only for the initial state's gradient, when wanted)
            if (t > 0 || WantsDState0)
                Compute.MultiplyLanes(HiddenWeights.Backward, hs, dGh.Pointer + (nint)t * gateSize, dhPointer, lanes,
                    gh, accumulate: true);
            if (WantsDx)
            {
                // dx_t = W_ihᵀ·dGx_t
                Compute.MultiplyLanes(InputWeights.Backward, input, dGx.Pointer + (nint)t * gateSize, dxPointer, lanes, gh);
                WriteInputGradient(_dxT.Span.Slice(piece * input * Lanes, input * Lanes), t, b0, rows, computed);
            }
        }
        if (WantsDState0) FromLanes(dh, rows, hs, Rows(PinnedDState0, b0 * hs, rows, hs), hs);
    }

    /// <summary>Eight lanes of one unit of backward: dGx, dGh at <paramref name="at"/>; dh there becomes dh ⊙ z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardUnits(ReadOnlySpan<float> g, ReadOnlySpan<float> ghh, Span<float> dgx, Span<float> dgh,
        Span<float> dh, ReadOnlySpan<float> dyT, ReadOnlySpan<float> hPrev, int unitSize, int at)
    {
        var one = Vector256<float>.One;
        // dn = dh(1-z); dz = dh(h_prev - n); d(pre-n) = dn(1-n²); d(pre-r) = d(pre-n)·gh_n·r(1-r); h path keeps dh·z
        var r = FullVector.Load(g, at, Width);
        var z = FullVector.Load(g, unitSize + at, Width);
        var n = FullVector.Load(g, 2 * unitSize + at, Width);
        var d = FullVector.Load(dh, at, Width) + FullVector.Load(dyT, at, Width);
        var dAn = d * (one - z) * (one - n * n);
        var dAz = d * (FullVector.Load(hPrev, at, Width) - n) * z * (one - z);
        var dAr = dAn * FullVector.Load(ghh, 2 * unitSize + at, Width) * r * (one - r);
        FullVector.Store(dAr, dgx, at, Width);
        FullVector.Store(dAz, dgx, unitSize + at, Width);
        FullVector.Store(dAn, dgx, 2 * unitSize + at, Width);
        FullVector.Store(dAr, dgh, at, Width);
        FullVector.Store(dAz, dgh, unitSize + at, Width);
        FullVector.Store(dAn * r, dgh, 2 * unitSize + at, Width);
        FullVector.Store(d * z, dh, at, Width);
    }
}
