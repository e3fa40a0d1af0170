using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Layers.Activations;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Layers;

/// <summary>
/// GRU with PyTorch's gate order r, z, n (Keras reset_after=True): r,z = σ(W_i* x + b_i* + W_h* h + b_h*),
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 - z) ⊙ n + z ⊙ h.
/// </summary>
public sealed class GruLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute,
    bool reverse = false)
    : RecurrentLayer(layout, index, inputSize, hiddenSize, 3, compute, reverse)
{
    // Packed rows by step slot (see PackedSteps): _gx: input projections, then r, z, n after activation; _gh: W_hh h +
    // b_hh of every step (n needs its own part); _h [h0 | h_0 | ...].
    private float[]? _x, _gx, _gh, _h, _dGx, _dGh, _dh, _dy, _biasHh;
    private PackedMatrix? _packedForward, _packedBackward;
    private Action<int>? _forwardPiece, _backwardPiece;
    private bool _needsInitialStateGradient;

    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch, ReadOnlySpan<int> sortedLengths)
    {
        CheckShapes(x, state0, y, stateT, steps, batch, sortedLengths);
        var packed = Packed;
        int hs = HiddenSize, gh = 3 * hs, bh = batch * hs, rows = packed.Rows;
        Compute.WakeWorkers();
        _x = Grow(_x, rows * InputSize);
        _gx = Grow(_gx, rows * gh);
        _gh = Grow(_gh, rows * gh);
        _h = Grow(_h, packed.StateRows * hs);
        LastSteps = steps;
        LastBatch = batch;

        packed.GatherInputs(x, _x, InputSize);
        ProjectInputs(parameters, _x, _gx, rows, BiasIh.Of(parameters));
        state0[..bh].CopyTo(_h);
        // Fixed pieces of batch rows over the threads, one hand-off per window (see RecurrentLayer.RowsPerPiece).
        _packedForward = PackRecurrentWeights(parameters);
        _biasHh = Grow(_biasHh, gh);
        BiasHh.Of(parameters).CopyTo(_biasHh);
        _forwardPiece ??= ForwardPiece;
        Compute.ParallelFor(PieceCount(batch), _forwardPiece);

        packed.ScatterOutputs(_h, y, hs);
        packed.GatherFinalStates(_h, stateT, hs);
    }

    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 3 * hs, bh = batch * hs, rows = Packed.Rows;
        Compute.WakeWorkers();
        if (_gx is null || _gh is null || _h is null || _x is null)
            throw new InvalidOperationException("Backward needs a Forward first");
        _dGx = Grow(_dGx, rows * gh);
        _dGh = Grow(_dGh, rows * gh);
        // Rows of samples that have ended stay zero, so the window-wide weight gradients skip them.
        Packed.ClearEndedRows(_dGx, gh);
        Packed.ClearEndedRows(_dGh, gh);
        _dh = Grow(_dh, bh);
        var dh = _dh.AsSpan(0, bh);
        dStateT[..bh].CopyTo(dh);
        _dy = Grow(_dy, steps * bh);
        dy[..(steps * bh)].CopyTo(_dy);
        _packedBackward = PackRecurrentWeightsForBackward(parameters);
        _needsInitialStateGradient = !dState0.IsEmpty;
        _backwardPiece ??= BackwardPiece;
        Compute.ParallelFor(PieceCount(batch), _backwardPiece);

        if (!dState0.IsEmpty) dh.CopyTo(dState0);
        AccumulateWindowGradients(parameters, _x, _h, _dGx, _dGh, dx, gradients, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardPiece(int piece)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 3 * hs;
        var (b0, pieceRows) = PieceRows(piece, batch);
        var bHh = _biasHh.AsSpan(0, gh);
        var packed = Packed;
        for (var t = 0; t < steps; t++)
        {
            // The piece's samples still running at step t (a prefix, as the batch is sorted by length).
            var rows = Math.Min(pieceRows, packed.Active(t) - b0);
            if (rows <= 0) break;
            int at = packed.Offset(t) + b0, next = packed.Offset(t + 1) + b0;
            var gxT = _gx.AsSpan(at * gh, rows * gh);
            var ghT = _gh.AsSpan(at * gh, rows * gh);
            var hPrev = _h.AsSpan(at * hs, rows * hs);
            var hNext = _h.AsSpan(next * hs, rows * hs);
            for (var b = 0; b < rows; b++) bHh.CopyTo(ghT.Slice(b * gh, gh));
            Compute.Gemm(false, rows, hPrev, _packedForward!, ghT, true);
            var full = FullVectors(hs);
            for (var b = 0; b < rows; b++)
            {
                var gx = gxT.Slice(b * gh, gh);
                var ghh = ghT.Slice(b * gh, gh);
                var o0 = b * hs;
                var j = 0;
                if (Use512) for (; j + Width512 <= full; j += Width512) GateMath512.GruForward(gx, ghh, hPrev, hNext, hs, j, o0 + j);
                for (; j < full; j += Width) ForwardUnits<FullVector>(gx, ghh, hPrev, hNext, hs, j, o0 + j, Width);
                if (full < hs) ForwardUnits<PartialVector>(gx, ghh, hPrev, hNext, hs, full, o0 + full, hs - full);
            }
        }
    }

    /// <summary>Units [j, j+n) of one row: r, z, n replace the input projections in gx; h' stored at offset o.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardUnits<TAccess>(Span<float> gx, ReadOnlySpan<float> ghh, ReadOnlySpan<float> hPrev,
        Span<float> hNext, int hs, int j, int o, int w)
        where TAccess : IVectorAccess
    {
        var one = Vector256<float>.One;
        // r, z = σ(gx + gh); n = tanh(gx_n + r ⊙ gh_n); h' = (1 - z) ⊙ n + z ⊙ h
        var r = Sigmoid(TAccess.Load(gx, j, w) + TAccess.Load(ghh, j, w));
        var z = Sigmoid(TAccess.Load(gx, hs + j, w) + TAccess.Load(ghh, hs + j, w));
        var n = Tanh(TAccess.Load(gx, 2 * hs + j, w) + r * TAccess.Load(ghh, 2 * hs + j, w));
        TAccess.Store(r, gx, j, w);
        TAccess.Store(z, gx, hs + j, w);
        TAccess.Store(n, gx, 2 * hs + j, w);
        TAccess.Store((one - z) * n + z * TAccess.Load(hPrev, o, w), hNext, o, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardPiece(int piece)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 3 * hs, bh = batch * hs;
        var (b0, pieceRows) = PieceRows(piece, batch);
        var packed = Packed;
        // A sample's rows of dh hold its final state's gradient until its own last step is reached.
        var dh = _dh.AsSpan(b0 * hs, pieceRows * hs);
        for (var t = steps - 1; t >= 0; t--)
        {
            var rows = Math.Min(pieceRows, packed.Active(t) - b0);
            if (rows <= 0) continue;
            var at = packed.Offset(t) + b0;
            var gxT = _gx.AsSpan(at * gh, rows * gh);
            var ghT = _gh.AsSpan(at * gh, rows * gh);
            var dGxT = _dGx.AsSpan(at * gh, rows * gh);
            var dGhT = _dGh.AsSpan(at * gh, rows * gh);
            var hPrev = _h.AsSpan(at * hs, rows * hs);
            var dyT = _dy.AsSpan(t * bh + b0 * hs, rows * hs);
            var full = FullVectors(hs);
            for (var b = 0; b < rows; b++)
            {
                var g = gxT.Slice(b * gh, gh);
                var ghh = ghT.Slice(b * gh, gh);
                var dgx = dGxT.Slice(b * gh, gh);
                var dgh = dGhT.Slice(b * gh, gh);
                var o0 = b * hs;
                var j = 0;
                if (Use512)
                    for (; j + Width512 <= full; j += Width512) GateMath512.GruBackward(g, ghh, dgx, dgh, dh, dyT, hPrev, hs, j, o0 + j);
                for (; j < full; j += Width)
                    BackwardUnits<FullVector>(g, ghh, dgx, dgh, dh, dyT, hPrev, hs, j, o0 + j, Width);
                if (full < hs)
                    BackwardUnits<PartialVector>(g, ghh, dgx, dgh, dh, dyT, hPrev, hs, full, o0 + full, hs - full);
            }
            // dh_prev = dh ⊙ z + dGh_t·W_hh (at t = 0 only the initial state's gradient, when wanted)
            if (t > 0 || _needsInitialStateGradient) Compute.Gemm(false, rows, dGhT, _packedBackward!, dh[..(rows * hs)], true);
        }
    }

    /// <summary>Units [j, j+n) of one row of backward: dGx, dGh at j; dh at offset o becomes its direct part dh ⊙ z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardUnits<TAccess>(ReadOnlySpan<float> g, ReadOnlySpan<float> ghh, Span<float> dgx,
        Span<float> dgh, Span<float> dh, ReadOnlySpan<float> dyT, ReadOnlySpan<float> hPrev, int hs, int j, int o,
        int w)
        where TAccess : IVectorAccess
    {
        var one = Vector256<float>.One;
        // dn = dh(1-z); dz = dh(h_prev - n); d(pre-n) = dn(1-n²); d(pre-r) = d(pre-n)·gh_n·r(1-r); h path keeps dh·z
        var r = TAccess.Load(g, j, w);
        var z = TAccess.Load(g, hs + j, w);
        var n = TAccess.Load(g, 2 * hs + j, w);
        var d = TAccess.Load(dh, o, w) + TAccess.Load(dyT, o, w);
        var dAn = d * (one - z) * (one - n * n);
        var dAz = d * (TAccess.Load(hPrev, o, w) - n) * z * (one - z);
        var dAr = dAn * TAccess.Load(ghh, 2 * hs + j, w) * r * (one - r);
        TAccess.Store(dAr, dgx, j, w);
        TAccess.Store(dAz, dgx, hs + j, w);
        TAccess.Store(dAn, dgx, 2 * hs + j, w);
        TAccess.Store(dAr, dgh, j, w);
        TAccess.Store(dAz, dgh, hs + j, w);
        TAccess.Store(dAn * r, dgh, 2 * hs + j, w);
        TAccess.Store(d * z, dh, o, w);
    }
}
