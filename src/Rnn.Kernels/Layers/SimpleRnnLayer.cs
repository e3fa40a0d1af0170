using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Layers.Activations;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Layers;

/// <summary>Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).</summary>
public sealed class SimpleRnnLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute)
    : RecurrentLayer(layout, index, inputSize, hiddenSize, 1, compute)
{
    private float[]? _x, _h, _bias, _dA, _dh;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch)
    {
        CheckShapes(x, state0, y, stateT, steps, batch);
        int hs = HiddenSize, bh = batch * hs, rows = steps * batch;
        _x = Grow(_x, rows * InputSize);
        _h = Grow(_h, (steps + 1) * bh);
        _bias = Grow(_bias, hs);
        LastSteps = steps;
        LastBatch = batch;

        x[..(rows * InputSize)].CopyTo(_x);
        var bias = _bias.AsSpan(0, hs);
        var bIh = BiasIh.Of(parameters);
        var bHh = BiasHh.Of(parameters);
        for (var j = 0; j < hs; j++) bias[j] = bIh[j] + bHh[j];
        // Rows 1..T of _h first hold the input projections, then become h_1..h_T in place.
        ProjectInputs(parameters, x, _h.AsSpan(bh, rows * hs), rows, bias);
        state0[..bh].CopyTo(_h);
        var wHh = PackRecurrentWeights(parameters);
        for (var t = 0; t < steps; t++)
        {
            var a = _h.AsSpan((t + 1) * bh, bh);
            // a_t += h_{t-1}·W_hhᵀ ; h_t = tanh(a_t)
            Compute.Gemm(false, batch, _h.AsSpan(t * bh, bh), wHh, a, true);
            TanhInPlace(a);
        }

        _h.AsSpan(bh, steps * bh).CopyTo(y);
        _h.AsSpan(steps * bh, bh).CopyTo(stateT);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, bh = batch * hs, rows = steps * batch;
        if (_h is null || _x is null) throw new InvalidOperationException("Backward needs a Forward first");
        _dA = Grow(_dA, rows * hs);
        _dh = Grow(_dh, bh);
        var dh = _dh.AsSpan(0, bh);
        dStateT[..bh].CopyTo(dh);
        var wHh = PackRecurrentWeightsForBackward(parameters);
        for (var t = steps - 1; t >= 0; t--)
        {
            var h = _h.AsSpan((t + 1) * bh, bh);
            var dA = _dA.AsSpan(t * bh, bh);
            var dyT = dy.Slice(t * bh, bh);
            // dA_t = (dh + dy_t) ⊙ (1 - h_t²) ; dh_prev = dA_t·W_hh
            var full = FullVectors(bh);
            var k = 0;
            if (Use512) for (; k + Width512 <= full; k += Width512) GateMath512.RnnBackward(h, dh, dyT, dA, k);
            for (; k < full; k += Width) BackwardUnits<FullVector>(h, dh, dyT, dA, k, Width);
            if (full < bh) BackwardUnits<PartialVector>(h, dh, dyT, dA, full, bh - full);
            // at t = 0 only the initial state's gradient, when wanted
            if (t > 0 || !dState0.IsEmpty) Compute.Gemm(false, batch, dA, wHh, dh, false);
        }

        if (!dState0.IsEmpty) dh.CopyTo(dState0);
        AccumulateWindowGradients(parameters, _x, _h, _dA, _dA, dx, gradients, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardUnits<TAccess>(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, ReadOnlySpan<float> dyT,
        Span<float> dA, int k, int w)
        where TAccess : IVectorAccess
    {
        var hk = TAccess.Load(h, k, w);
        TAccess.Store((TAccess.Load(dh, k, w) + TAccess.Load(dyT, k, w)) * (Vector256<float>.One - hk * hk), dA, k, w);
    }
}
