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
public sealed class LstmLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute)
    : RecurrentLayer(layout, index, inputSize, hiddenSize, 4, compute)
{
    // _gates: pre-activations, then i,f,g,o after the step; _tanhC: tanh(c_t), reused by backward.
    private float[]? _x, _gates, _h, _c, _tanhC, _bias, _dGates, _dh, _dc, _dy;
    private PackedMatrix? _packedForward, _packedBackward;
    private Action<int>? _forwardPiece, _backwardPiece;

    public override int StateCount => 2;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch)
    {
        CheckShapes(x, state0, y, stateT, steps, batch);
        int hs = HiddenSize, gh = 4 * hs, bh = batch * hs, rows = steps * batch;
        _x = Grow(_x, rows * InputSize);
        _gates = Grow(_gates, rows * gh);
        _h = Grow(_h, (steps + 1) * bh);
        _c = Grow(_c, (steps + 1) * bh);
        _tanhC = Grow(_tanhC, steps * bh);
        _bias = Grow(_bias, gh);
        LastSteps = steps;
        LastBatch = batch;

        x[..(rows * InputSize)].CopyTo(_x);
        var bias = _bias.AsSpan(0, gh);
        var bIh = BiasIh.Of(parameters);
        var bHh = BiasHh.Of(parameters);
        for (var j = 0; j < gh; j++) bias[j] = bIh[j] + bHh[j];
        ProjectInputs(parameters, x, _gates, rows, bias);

        state0[..bh].CopyTo(_h);
        state0.Slice(bh, bh).CopyTo(_c);
        // The recurrence runs as fixed pieces of batch rows (independent of the thread count), one hand-off per
        // window instead of one per step; a row's GEMM result does not depend on how many rows share the call.
        _packedForward = PackRecurrentWeights(parameters);
        _forwardPiece ??= ForwardPiece;
        Compute.ParallelFor(PieceCount(batch), _forwardPiece);

        _h.AsSpan(bh, steps * bh).CopyTo(y);
        _h.AsSpan(steps * bh, bh).CopyTo(stateT);
        _c.AsSpan(steps * bh, bh).CopyTo(stateT[bh..]);
    }

    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 4 * hs, bh = batch * hs, rows = steps * batch;
        if (_gates is null || _h is null || _c is null || _x is null || _tanhC is null)
            throw new InvalidOperationException("Backward needs a Forward first");
        _dGates = Grow(_dGates, rows * gh);
        _dh = Grow(_dh, bh);
        _dc = Grow(_dc, bh);
        var dh = _dh.AsSpan(0, bh);
        var dc = _dc.AsSpan(0, bh);
        dStateT[..bh].CopyTo(dh);
        dStateT.Slice(bh, bh).CopyTo(dc);
        _dy = Grow(_dy, rows * hs);
        dy[..(rows * hs)].CopyTo(_dy);
        _packedBackward = PackRecurrentWeightsForBackward(parameters);
        _backwardPiece ??= BackwardPiece;
        Compute.ParallelFor(PieceCount(batch), _backwardPiece);

        dh.CopyTo(dState0);
        dc.CopyTo(dState0[bh..]);
        AccumulateWindowGradients(parameters, _x, _h, _dGates, _dGates, dx, gradients, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardPiece(int piece)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 4 * hs, bh = batch * hs;
        var (b0, rows) = PieceRows(piece, batch);
        for (var t = 0; t < steps; t++)
        {
            var gates = _gates.AsSpan((t * batch + b0) * gh, rows * gh);
            Compute.Gemm(false, rows, _h.AsSpan(t * bh + b0 * hs, rows * hs), _packedForward!, gates, true);
            var cPrev = _c.AsSpan(t * bh, bh);
            var cNext = _c.AsSpan((t + 1) * bh, bh);
            var hNext = _h.AsSpan((t + 1) * bh, bh);
            var tanhC = _tanhC.AsSpan(t * bh, bh);
            for (var r = 0; r < rows; r++)
            {
                var g = gates.Slice(r * gh, gh);
                var o0 = (b0 + r) * hs;
                // c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g) ; h' = σ(o) ⊙ tanh(c')
                for (var j = 0; j < hs; j += Width)
                {
                    var n = Math.Min(Width, hs - j);
                    var i = Sigmoid(Load(g, j, n));
                    var f = Sigmoid(Load(g, hs + j, n));
                    var gg = Tanh(Load(g, 2 * hs + j, n));
                    var o = Sigmoid(Load(g, 3 * hs + j, n));
                    var c = f * Load(cPrev, o0 + j, n) + i * gg;
                    var tc = Tanh(c);
                    Store(i, g, j, n);
                    Store(f, g, hs + j, n);
                    Store(gg, g, 2 * hs + j, n);
                    Store(o, g, 3 * hs + j, n);
                    Store(c, cNext, o0 + j, n);
                    Store(tc, tanhC, o0 + j, n);
                    Store(o * tc, hNext, o0 + j, n);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardPiece(int piece)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 4 * hs, bh = batch * hs;
        var (b0, rows) = PieceRows(piece, batch);
        var dh = _dh.AsSpan(b0 * hs, rows * hs);
        var dc = _dc.AsSpan(b0 * hs, rows * hs);
        var one = Vector256<float>.One;
        for (var t = steps - 1; t >= 0; t--)
        {
            var gates = _gates.AsSpan((t * batch + b0) * gh, rows * gh);
            var dGates = _dGates.AsSpan((t * batch + b0) * gh, rows * gh);
            var cPrev = _c.AsSpan(t * bh + b0 * hs, rows * hs);
            var tanhC = _tanhC.AsSpan(t * bh + b0 * hs, rows * hs);
            var dyT = _dy.AsSpan(t * bh + b0 * hs, rows * hs);
            for (var r = 0; r < rows; r++)
            {
                var g = gates.Slice(r * gh, gh);
                var d = dGates.Slice(r * gh, gh);
                var o0 = r * hs;
                // dh += dy; dc += dh ⊙ o ⊙ (1 - tanh²c); pre-activation gradients through σ' = σ(1-σ) and tanh' = 1 - tanh²
                for (var j = 0; j < hs; j += Width)
                {
                    var n = Math.Min(Width, hs - j);
                    var i = Load(g, j, n);
                    var f = Load(g, hs + j, n);
                    var gg = Load(g, 2 * hs + j, n);
                    var o = Load(g, 3 * hs + j, n);
                    var h = Load(dh, o0 + j, n) + Load(dyT, o0 + j, n);
                    var tc = Load(tanhC, o0 + j, n);
                    var c = Load(dc, o0 + j, n) + h * o * (one - tc * tc);
                    Store(c * gg * i * (one - i), d, j, n);
                    Store(c * Load(cPrev, o0 + j, n) * f * (one - f), d, hs + j, n);
                    Store(c * i * (one - gg * gg), d, 2 * hs + j, n);
                    Store(h * tc * o * (one - o), d, 3 * hs + j, n);
                    Store(c * f, dc, o0 + j, n);
                }
            }
            // dh_prev = dGates_t · W_hh
            Compute.Gemm(false, rows, dGates, _packedBackward!, dh, false);
        }
    }
}
