using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Layers.Activations;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Layers;

/// <summary>
/// LSTM with PyTorch's gate order i, f, g, o:
/// i,f,o = σ(W_i* x + b_i* + W_h* h + b_h*), g = tanh(...), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
/// </summary>
/// <remarks>
/// Each step is one GEMM over the joined rows xh_t = [h_{t-1} | x_t | 1] and [W_hh | W_ih | b]: the input projection rides
/// along with the recurrence (no separate window-wide projection, whose [T·B, 4H] result did not fit in cache), and
/// backward's dG_t·[W_hh | W_ih] yields dh_{t-1} with dx_t. The weight gradients are one GEMM dGᵀ·XH per window.
/// </remarks>
public sealed class LstmLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute)
    : RecurrentLayer(layout, index, inputSize, hiddenSize, 4, compute)
{
    // _xh: [T, B, JoinedWidth] joined step inputs; _gates: i,f,g,o after the step; _tanhC: tanh(c_t), reused by backward;
    // _dxh: [T+1, B, width] gradients of the joined inputs [dh | dx | …], width JoinedWidth, or H when dx is not
    // wanted (slot T's h part is the gradient on the final h).
    private float[]? _xh, _gates, _h, _c, _tanhC, _dGates, _dxh, _dc, _dy;
    private PackedMatrix? _packedForward, _packedBackward;
    private Action<int>? _forwardPiece, _backwardPiece;
    private int _gradientWidth;
    private bool _skipsFirstStepGemm;

    public override int StateCount => 2;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch)
    {
        CheckShapes(x, state0, y, stateT, steps, batch);
        int input = InputSize, hs = HiddenSize, k = JoinedWidth, gh = 4 * hs, bh = batch * hs, rows = steps * batch;
        _xh = Grow(_xh, rows * k);
        _gates = Grow(_gates, rows * gh);
        _h = Grow(_h, (steps + 1) * bh);
        _c = Grow(_c, (steps + 1) * bh);
        _tanhC = Grow(_tanhC, steps * bh);
        LastSteps = steps;
        LastBatch = batch;

        for (var r = 0; r < rows; r++)
        {
            var row = _xh.AsSpan(r * k, k);
            x.Slice(r * input, input).CopyTo(row[hs..]);
            row[input + hs] = 1f;
            row[(input + hs + 1)..].Clear();
        }
        for (var b = 0; b < batch; b++) state0.Slice(b * hs, hs).CopyTo(_xh.AsSpan(b * k, hs));

        state0[..bh].CopyTo(_h);
        state0.Slice(bh, bh).CopyTo(_c);
        // The recurrence runs as fixed pieces of batch rows (independent of the thread count), one hand-off per
        // window instead of one per step; a row's GEMM result does not depend on how many rows share the call.
        (_packedForward, _packedBackward) = PackJoinedWeights(parameters);
        _forwardPiece ??= ForwardPiece;
        Compute.ParallelFor(PieceCount(batch), _forwardPiece);

        _h.AsSpan(bh, steps * bh).CopyTo(y);
        _h.AsSpan(steps * bh, bh).CopyTo(stateT);
        _c.AsSpan(steps * bh, bh).CopyTo(stateT[bh..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        int steps = LastSteps, batch = LastBatch, input = InputSize, hs = HiddenSize, gh = 4 * hs;
        int bh = batch * hs, rows = steps * batch;
        if (_gates is null || _h is null || _c is null || _xh is null || _tanhC is null)
            throw new InvalidOperationException("Backward needs a Forward first");
        // Without dx the backward GEMM stops after the h columns of the joined weights.
        var width = _gradientWidth = dx.IsEmpty ? hs : JoinedWidth;
        _skipsFirstStepGemm = dx.IsEmpty && dState0.IsEmpty;
        _dGates = Grow(_dGates, rows * gh);
        _dxh = Grow(_dxh, (rows + batch) * width);
        _dc = Grow(_dc, bh);
        for (var b = 0; b < batch; b++) dStateT.Slice(b * hs, hs).CopyTo(_dxh.AsSpan((rows + b) * width, hs));
        dStateT.Slice(bh, bh).CopyTo(_dc);
        _dy = Grow(_dy, rows * hs);
        dy[..(rows * hs)].CopyTo(_dy);
        _backwardPiece ??= BackwardPiece;
        Compute.ParallelFor(PieceCount(batch), _backwardPiece);

        if (!dx.IsEmpty)
            for (var r = 0; r < rows; r++) _dxh.AsSpan(r * width + hs, input).CopyTo(dx.Slice(r * input, input));
        if (!dState0.IsEmpty)
        {
            for (var b = 0; b < batch; b++) _dxh.AsSpan(b * width, hs).CopyTo(dState0.Slice(b * hs, hs));
            _dc.AsSpan(0, bh).CopyTo(dState0[bh..]);
        }
        AccumulateJoinedGradients(_xh, _dGates, gradients, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardPiece(int piece)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, k = JoinedWidth, gh = 4 * hs;
        int bh = batch * hs;
        var (b0, rows) = PieceRows(piece, batch);
        for (var t = 0; t < steps; t++)
        {
            var gates = _gates.AsSpan((t * batch + b0) * gh, rows * gh);
            Compute.Gemm(false, rows, _xh.AsSpan((t * batch + b0) * k, rows * k), _packedForward!, gates, false);
            var cPrev = _c.AsSpan(t * bh, bh);
            var cNext = _c.AsSpan((t + 1) * bh, bh);
            var hNext = _h.AsSpan((t + 1) * bh, bh);
            var tanhC = _tanhC.AsSpan(t * bh, bh);
            // h_t also becomes the h part of the next step's joined row.
            var xhNext = t + 1 < steps ? _xh.AsSpan(((t + 1) * batch + b0) * k, rows * k) : default;
            var full = FullVectors(hs);
            for (var r = 0; r < rows; r++)
            {
                var g = gates.Slice(r * gh, gh);
                var o0 = (b0 + r) * hs;
                for (var j = 0; j < full; j += Width)
                {
                    ForwardUnits<FullVector>(g, cPrev, cNext, tanhC, hNext, xhNext, hs, j, o0 + j, r * k + j, Width);
                }
                if (full < hs)
                    ForwardUnits<PartialVector>(g, cPrev, cNext, tanhC, hNext, xhNext, hs, full, o0 + full, r * k + full,
                        hs - full);
            }
        }
    }

    /// <summary>
    /// Units [j, j+n) of one row: gate pre-activations g become i,f,g,o in place; c, tanh c and h stored at
    /// offset o, h also into the next step's joined row at xo (when there is a next step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardUnits<TAccess>(Span<float> g, ReadOnlySpan<float> cPrev,
        Span<float> cNext, Span<float> tanhC, Span<float> hNext, Span<float> xhNext, int hs, int j, int o, int xo,
        int n)
        where TAccess : IVectorAccess
    {
        // c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g) ; h' = σ(o) ⊙ tanh(c') (the pre-activations include the biases)
        var i = Sigmoid(TAccess.Load(g, j, n));
        var f = Sigmoid(TAccess.Load(g, hs + j, n));
        var gg = Tanh(TAccess.Load(g, 2 * hs + j, n));
        var og = Sigmoid(TAccess.Load(g, 3 * hs + j, n));
        var c = f * TAccess.Load(cPrev, o, n) + i * gg;
        var tc = Tanh(c);
        var h = og * tc;
        TAccess.Store(i, g, j, n);
        TAccess.Store(f, g, hs + j, n);
        TAccess.Store(gg, g, 2 * hs + j, n);
        TAccess.Store(og, g, 3 * hs + j, n);
        TAccess.Store(c, cNext, o, n);
        TAccess.Store(tc, tanhC, o, n);
        TAccess.Store(h, hNext, o, n);
        if (!xhNext.IsEmpty) TAccess.Store(h, xhNext, xo, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardPiece(int piece)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, k = _gradientWidth, gh = 4 * hs;
        int bh = batch * hs;
        var (b0, rows) = PieceRows(piece, batch);
        var dc = _dc.AsSpan(b0 * hs, rows * hs);
        for (var t = steps - 1; t >= 0; t--)
        {
            var gates = _gates.AsSpan((t * batch + b0) * gh, rows * gh);
            var dGates = _dGates.AsSpan((t * batch + b0) * gh, rows * gh);
            var cPrev = _c.AsSpan(t * bh + b0 * hs, rows * hs);
            var tanhC = _tanhC.AsSpan(t * bh + b0 * hs, rows * hs);
            var dyT = _dy.AsSpan(t * bh + b0 * hs, rows * hs);
            // The gradient on h_t: the h part of the next step's joined-input gradient (slot T: from the final state).
            var dhNext = _dxh.AsSpan(((t + 1) * batch + b0) * k, rows * k);
            var full = FullVectors(hs);
            for (var r = 0; r < rows; r++)
            {
                var g = gates.Slice(r * gh, gh);
                var d = dGates.Slice(r * gh, gh);
                var o0 = r * hs;
                var dh = dhNext.Slice(r * k, hs);
                for (var j = 0; j < full; j += Width)
                    BackwardUnits<FullVector>(g, d, dh, dyT, tanhC, cPrev, dc, hs, j, o0 + j, Width);
                if (full < hs)
                    BackwardUnits<PartialVector>(g, d, dh, dyT, tanhC, cPrev, dc, hs, full, o0 + full, hs - full);
            }
            // [dh_{t-1} | dx_t | …] = dGates_t · [W_hh | W_ih | …] (only the first k columns); at t = 0 nothing
            // but the initial state's gradient and dx_0, when wanted
            if (t > 0 || !_skipsFirstStepGemm) Compute.Gemm(false, rows, dGates, _packedBackward!, k, _dxh.AsSpan((t * batch + b0) * k, rows * k), false);
        }
    }

    /// <summary>Units [j, j+n) of one row of backward: dGates at j from the activations, dc updated at offset o.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardUnits<TAccess>(ReadOnlySpan<float> g, Span<float> d, ReadOnlySpan<float> dhNext,
        ReadOnlySpan<float> dyT, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> cPrev, Span<float> dc, int hs, int j,
        int o, int n)
        where TAccess : IVectorAccess
    {
        var one = Vector256<float>.One;
        // dh += dy; dc += dh ⊙ o ⊙ (1 - tanh²c); pre-activation gradients through σ' = σ(1-σ) and tanh' = 1 - tanh²
        var i = TAccess.Load(g, j, n);
        var f = TAccess.Load(g, hs + j, n);
        var gg = TAccess.Load(g, 2 * hs + j, n);
        var og = TAccess.Load(g, 3 * hs + j, n);
        var h = TAccess.Load(dhNext, j, n) + TAccess.Load(dyT, o, n);
        var tc = TAccess.Load(tanhC, o, n);
        var c = TAccess.Load(dc, o, n) + h * og * (one - tc * tc);
        TAccess.Store(c * gg * i * (one - i), d, j, n);
        TAccess.Store(c * TAccess.Load(cPrev, o, n) * f * (one - f), d, hs + j, n);
        TAccess.Store(c * i * (one - gg * gg), d, 2 * hs + j, n);
        TAccess.Store(h * tc * og * (one - og), d, 3 * hs + j, n);
        TAccess.Store(c * f, dc, o, n);
    }
}
