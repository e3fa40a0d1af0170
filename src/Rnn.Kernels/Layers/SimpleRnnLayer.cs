using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Compute.LaneTranspose;
using static Rnn.Kernels.Layers.Activations;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Layers;

/// <summary>Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).</summary>
/// <remarks>
/// Laid out as the LSTM (<see cref="LaneMajorLayer"/>, <see cref="LstmLayer"/>), with one gate: each step is one
/// product of the joined weights [W_hh | W_ih | b_ih + b_hh] with [h_{t-1} | x_t | 1] written straight into the next
/// step's h rows, where tanh takes it in place; backward's [W_hh | W_ih]ᵀ·dA_t gives dh_{t-1} and, when wanted, dx_t.
/// </remarks>
public sealed class SimpleRnnLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute,
    bool reverse = false)
    : LaneMajorLayer(layout, index, inputSize, hiddenSize, 1, compute, reverse)
{
    // Lane-major, per piece: _xhT [T, JoinedWidth, 16] step inputs, slot t+1's h rows taking h_t; _hLastT [H, 16] h_T.
    // Backward, one step each: _dxhT [width, 16] (= [dh | dx | …] of the step).
    private AlignedFloats? _xhT, _hLastT, _dxhT;
    private JoinedWeights? _weights;
    private JoinedGradients[]? _weightGradients;

    private JoinedWeights Weights => _weights ??= new JoinedWeights(this, Compute);

    /// <summary>The joined matrix's weight gradient in backward's gradient groups.</summary>
    private protected override JoinedGradients[] WeightGradients => _weightGradients ??= [new JoinedGradients(Weights)];

    private int JoinedWidth => Weights.Width;

    /// <summary>Rows of backward's step product: [dh | dx | …] when dx is wanted, else only dh.</summary>
    private int GradientWidth => WantsDx ? JoinedWidth : HiddenSize;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch, ReadOnlySpan<int> sortedLengths)
    {
        CheckShapes(x, state0, y, stateT, steps, batch, sortedLengths);
        Compute.WakeWorkers();
        int pieces = PieceCount(batch);
        _xhT = AlignedFloats.Grow(_xhT, pieces * steps * JoinedWidth * Lanes);
        _hLastT = AlignedFloats.Grow(_hLastT, pieces * HiddenSize * Lanes);
        LastSteps = steps;
        LastBatch = batch;
        Weights.Pack(parameters);
        RunPieces(x, state0, y, stateT);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        Compute.WakeWorkers();
        int pieces = PieceCount(LastBatch);
        if (_xhT is null || _hLastT is null) throw new InvalidOperationException("Backward needs a Forward first");
        // Without dx the backward product stops after the h rows of the transposed joined weights.
        BeginBackward(dy, dStateT, dx, dState0);
        _dxhT = AlignedFloats.Grow(_dxhT, pieces * GradientWidth * Lanes);
        RunBackward(dy, dStateT, dx, dState0, gradients);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected override unsafe void ForwardPiece(int piece)
    {
        int steps = LastSteps, hs = HiddenSize, input = InputSize, unitSize = hs * Lanes, xhSize = JoinedWidth * Lanes;
        var (b0, rows) = PieceRows(piece, LastBatch);
        var pieceSteps = Packed.Length(b0);
        var xhT = _xhT!.Span.Slice(piece * steps * xhSize, steps * xhSize);
        FillJoinedInputs(xhT, xhSize, hs, input, b0, rows, pieceSteps);
        var xhBase = _xhT.Pointer + (nint)piece * steps * xhSize;
        var hLastBase = _hLastT!.Pointer + (nint)piece * unitSize;
        for (var t = 0; t < pieceSteps; t++)
        {
            var active = RunningRows(t, b0, rows);
            // h_t = tanh([W_hh | W_ih | b]·[h_{t-1} | x_t | 1]), the product written where the next step reads h (the
            // running lanes rounded up to 4; tanh on all 16, the others holding finite values that never leave)
            var next = t + 1 < steps ? xhBase + (nint)(t + 1) * xhSize : hLastBase;
            Compute.MultiplyLanes(Weights.Forward, hs, xhBase + (nint)t * xhSize, next, StepLanes(active), hs + input + 1);
            var hNext = new Span<float>(next, unitSize);
            TanhInPlace(hNext);
            WriteStepOutputs(hNext, t, b0, rows, active);
        }
        ClearOutputsPast(pieceSteps, b0, rows);
        // Backward's Wᵀ, packed here in parallel pieces rather than serially.
        Weights.PackBackwardShare(piece, PieceCount(LastBatch));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected override unsafe void BackwardPiece(int group, int piece)
    {
        int steps = LastSteps, hs = HiddenSize, unitSize = hs * Lanes, xhSize = JoinedWidth * Lanes, width = GradientWidth;
        var (b0, rows) = PieceRows(piece, LastBatch);
        var pieceSteps = Packed.Length(b0);
        var gateGradients = WeightGradients[0].GateGradients(group);
        var inputs = WeightGradients[0].Inputs(group, pieceSteps);
        var xhT = _xhT!.Span.Slice(piece * steps * xhSize, steps * xhSize);
        var hLastT = _hLastT!.Span.Slice(piece * unitSize, unitSize);
        var dxh = _dxhT!.Span.Slice(piece * width * Lanes, width * Lanes);
        var dyT = DyLanes(piece, rows);
        // Zero gradients in the unused lanes keep every gate gradient there exactly zero.
        if (rows < Lanes) dxh[..unitSize].Clear();
        if (WantsDx) ClearInputGradientsPast(pieceSteps, b0, rows);
        var dxhPointer = _dxhT.Pointer + (nint)piece * width * Lanes;
        for (var t = pieceSteps - 1; t >= 0; t--)
        {
            var (active, _) = ReadStepGradients(dxh, dyT, t, b0, rows);
            var h = t + 1 < steps ? xhT.Slice((t + 1) * xhSize, unitSize) : hLastT;
            var dA = gateGradients.Span.Slice(t * unitSize, unitSize);
            // dA_t = (dh + dy_t) ⊙ (1 - h_t²)
            var at = 0;
            if (Use512) for (; at < unitSize; at += Width512) GateMath512.RnnBackward(h, dxh, dyT, dA, at);
            for (; at < unitSize; at += Width) BackwardUnits(h, dxh, dyT, dA, at);
            // Samples that ended before t take no part: zero gate gradients (so no weight gradient, and zero dh, dx).
            var lanes = StepLanes(active);
            var computed = Math.Min(rows, lanes);
            if (active < computed) LaneBlocks.ClearLanes(dA, active, computed);
            ToPackedRows(xhT.Slice(t * xhSize, xhSize), inputs, t * Lanes);
            // [dh_{t-1} | dx_t | …] = [W_hh | W_ih | …]ᵀ · dA_t (the first width rows); at t = 0 only when wanted
            if (t > 0 || WantsDx || WantsDState0)
                Compute.MultiplyLanes(Weights.Backward, width, gateGradients.Pointer + (nint)t * unitSize, dxhPointer, lanes);
            if (WantsDx) WriteInputGradient(dxh[(hs * Lanes)..], t, b0, rows, computed);
        }
        if (WantsDState0) FromLanes(dxh, rows, hs, new Span<float>(PinnedDState0 + b0 * hs, rows * hs), hs);
    }

    /// <summary>Eight lanes of backward at <paramref name="at"/>: dA = (dh + dy) ⊙ (1 - h²).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardUnits(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, ReadOnlySpan<float> dyT,
        Span<float> dA, int at)
    {
        var hk = FullVector.Load(h, at, Width);
        FullVector.Store((FullVector.Load(dh, at, Width) + FullVector.Load(dyT, at, Width)) * (Vector256<float>.One - hk * hk),
            dA, at, Width);
    }
}
