using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Layers.Activations;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Layers;

/// <summary>Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).</summary>
public sealed class SimpleRnnLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute,
    bool reverse = false)
    : RecurrentLayer(layout, index, inputSize, hiddenSize, 1, compute, reverse)
{
    // Packed rows (see PackedSteps): _x and _a [Rows, ·] by input slot, _h [StateRows, H] = [h0 | h_0 | ... ].
    private float[]? _x, _a, _h, _bias, _dA, _dh;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch, ReadOnlySpan<int> sortedLengths)
    {
        CheckShapes(x, state0, y, stateT, steps, batch, sortedLengths);
        var packed = Packed;
        int hs = HiddenSize, bh = batch * hs, rows = packed.Rows;
        _x = Grow(_x, rows * InputSize);
        _a = Grow(_a, rows * hs);
        _h = Grow(_h, packed.StateRows * hs);
        _bias = Grow(_bias, hs);
        LastSteps = steps;
        LastBatch = batch;

        packed.GatherInputs(x, _x, InputSize);
        var bias = _bias.AsSpan(0, hs);
        var bIh = BiasIh.Of(parameters);
        var bHh = BiasHh.Of(parameters);
        for (var j = 0; j < hs; j++) bias[j] = bIh[j] + bHh[j];
        ProjectInputs(parameters, _x, _a, rows, bias);
        state0[..bh].CopyTo(_h);
        var wHh = PackRecurrentWeights(parameters);
        for (var t = 0; t < steps; t++)
        {
            // Only the samples still running: the prefix of Active(t) rows.
            var active = packed.Active(t);
            if (active == 0) break;
            var a = _a.AsSpan(packed.Offset(t) * hs, active * hs);
            // a_t += h_{t-1}·W_hhᵀ ; h_t = tanh(a_t)
            Compute.Gemm(false, active, _h.AsSpan(packed.Offset(t) * hs, active * hs), wHh, a, true);
            TanhInPlace(a);
            a.CopyTo(_h.AsSpan(packed.Offset(t + 1) * hs, active * hs));
        }

        packed.ScatterOutputs(_h, y, hs);
        packed.GatherFinalStates(_h, stateT, hs);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, bh = batch * hs;
        if (_h is null || _x is null || _a is null) throw new InvalidOperationException("Backward needs a Forward first");
        var packed = Packed;
        var rows = packed.Rows;
        _dA = Grow(_dA, rows * hs);
        _dh = Grow(_dh, bh);
        var dh = _dh.AsSpan(0, bh);
        // A sample's rows of dh hold its final state's gradient until its own last step is reached.
        dStateT[..bh].CopyTo(dh);
        packed.ClearEndedRows(_dA, hs);
        var wHh = PackRecurrentWeightsForBackward(parameters);
        for (var t = steps - 1; t >= 0; t--)
        {
            var active = packed.Active(t);
            if (active == 0) continue;
            var n = active * hs;
            var h = _a.AsSpan(packed.Offset(t) * hs, n);
            var dA = _dA.AsSpan(packed.Offset(t) * hs, n);
            var dyT = dy.Slice(t * bh, n);
            var dhT = dh[..n];
            // dA_t = (dh + dy_t) ⊙ (1 - h_t²) ; dh_prev = dA_t·W_hh
            var full = FullVectors(n);
            var k = 0;
            if (Use512) for (; k + Width512 <= full; k += Width512) GateMath512.RnnBackward(h, dhT, dyT, dA, k);
            for (; k < full; k += Width) BackwardUnits<FullVector>(h, dhT, dyT, dA, k, Width);
            if (full < n) BackwardUnits<PartialVector>(h, dhT, dyT, dA, full, n - full);
            // at t = 0 only the initial state's gradient, when wanted
            if (t > 0 || !dState0.IsEmpty) Compute.Gemm(false, active, dA, wHh, dhT, false);
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
