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
public sealed class GruLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute)
    : RecurrentLayer(layout, index, inputSize, hiddenSize, 3, compute)
{
    // _gx: input projections, then r, z, n after activation; _gh: W_hh h + b_hh of every step (n needs its own part).
    private float[]? _x, _gx, _gh, _h, _dGx, _dGh, _dh, _dy, _biasHh;
    private PackedMatrix? _packedForward, _packedBackward;
    private Action<int>? _forwardPiece, _backwardPiece;
    private bool _needsInitialStateGradient;

    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch)
    {
        CheckShapes(x, state0, y, stateT, steps, batch);
        int hs = HiddenSize, gh = 3 * hs, bh = batch * hs, rows = steps * batch;
        Compute.WakeWorkers();
        _x = Grow(_x, rows * InputSize);
        _gx = Grow(_gx, rows * gh);
        _gh = Grow(_gh, rows * gh);
        _h = Grow(_h, (steps + 1) * bh);
        LastSteps = steps;
        LastBatch = batch;

        x[..(rows * InputSize)].CopyTo(_x);
        ProjectInputs(parameters, x, _gx, rows, BiasIh.Of(parameters));
        state0[..bh].CopyTo(_h);
        // Fixed pieces of batch rows over the threads, one hand-off per window (see RecurrentLayer.RowsPerPiece).
        _packedForward = PackRecurrentWeights(parameters);
        _biasHh = Grow(_biasHh, gh);
        BiasHh.Of(parameters).CopyTo(_biasHh);
        _forwardPiece ??= ForwardPiece;
        Compute.ParallelFor(PieceCount(batch), _forwardPiece);

        _h.AsSpan(bh, steps * bh).CopyTo(y);
        _h.AsSpan(steps * bh, bh).CopyTo(stateT);
    }

    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 3 * hs, bh = batch * hs, rows = steps * batch;
        Compute.WakeWorkers();
        if (_gx is null || _gh is null || _h is null || _x is null)
            throw new InvalidOperationException("Backward needs a Forward first");
        _dGx = Grow(_dGx, rows * gh);
        _dGh = Grow(_dGh, rows * gh);
        _dh = Grow(_dh, bh);
        var dh = _dh.AsSpan(0, bh);
        dStateT[..bh].CopyTo(dh);
        _dy = Grow(_dy, rows * hs);
        dy[..(rows * hs)].CopyTo(_dy);
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
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 3 * hs, bh = batch * hs;
        var (b0, rows) = PieceRows(piece, batch);
        var bHh = _biasHh.AsSpan(0, gh);
        for (var t = 0; t < steps; t++)
        {
            var gxT = _gx.AsSpan((t * batch + b0) * gh, rows * gh);
            var ghT = _gh.AsSpan((t * batch + b0) * gh, rows * gh);
            var hPrev = _h.AsSpan(t * bh + b0 * hs, rows * hs);
            var hNext = _h.AsSpan((t + 1) * bh + b0 * hs, rows * hs);
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
        var (b0, rows) = PieceRows(piece, batch);
        var dh = _dh.AsSpan(b0 * hs, rows * hs);
        for (var t = steps - 1; t >= 0; t--)
        {
            var gxT = _gx.AsSpan((t * batch + b0) * gh, rows * gh);
            var ghT = _gh.AsSpan((t * batch + b0) * gh, rows * gh);
            var dGxT = _dGx.AsSpan((t * batch + b0) * gh, rows * gh);
            var dGhT = _dGh.AsSpan((t * batch + b0) * gh, rows * gh);
            var hPrev = _h.AsSpan(t * bh + b0 * hs, rows * hs);
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
            if (t > 0 || _needsInitialStateGradient) Compute.Gemm(false, rows, dGhT, _packedBackward!, dh, true);
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
