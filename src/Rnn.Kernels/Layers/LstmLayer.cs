using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Layers;

/// <summary>
/// LSTM with PyTorch's gate order i, f, g, o:
/// i,f,o = σ(W_i* x + b_i* + W_h* h + b_h*), g = tanh(...), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
/// </summary>
public sealed class LstmLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute)
    : RecurrentLayer(layout, index, inputSize, hiddenSize, 4, compute)
{
    private float[]? _x, _gates, _h, _c, _bias, _dGates, _dh, _dc;

    public override int StateCount => 2;

    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch)
    {
        CheckShapes(x, state0, y, stateT, steps, batch);
        int hs = HiddenSize, gh = 4 * hs, bh = batch * hs, rows = steps * batch;
        _x = Grow(_x, rows * InputSize);
        _gates = Grow(_gates, rows * gh);
        _h = Grow(_h, (steps + 1) * bh);
        _c = Grow(_c, (steps + 1) * bh);
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
        var wHh = WeightHh.Of(parameters);
        for (var t = 0; t < steps; t++)
        {
            var gates = _gates.AsSpan(t * batch * gh, batch * gh);
            var hPrev = _h.AsSpan(t * bh, bh);
            Compute.Gemm(false, true, batch, gh, hs, hPrev, wHh, gates, true);
            var cPrev = _c.AsSpan(t * bh, bh);
            var hNext = _h.AsSpan((t + 1) * bh, bh);
            var cNext = _c.AsSpan((t + 1) * bh, bh);
            for (var b = 0; b < batch; b++)
            {
                var g = gates.Slice(b * gh, gh);
                Activations.SigmoidInPlace(g[..(2 * hs)]);
                Activations.TanhInPlace(g.Slice(2 * hs, hs));
                Activations.SigmoidInPlace(g.Slice(3 * hs, hs));
                // c' = f ⊙ c + i ⊙ g ; h' = o ⊙ tanh(c')
                for (var j = 0; j < hs; j++)
                {
                    var c = g[hs + j] * cPrev[b * hs + j] + g[j] * g[2 * hs + j];
                    cNext[b * hs + j] = c;
                    hNext[b * hs + j] = g[3 * hs + j] * MathF.Tanh(c);
                }
            }
        }

        _h.AsSpan(bh, steps * bh).CopyTo(y);
        _h.AsSpan(steps * bh, bh).CopyTo(stateT);
        _c.AsSpan(steps * bh, bh).CopyTo(stateT[bh..]);
    }

    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 4 * hs, bh = batch * hs, rows = steps * batch;
        if (_gates is null || _h is null || _c is null || _x is null)
            throw new InvalidOperationException("Backward needs a Forward first");
        _dGates = Grow(_dGates, rows * gh);
        _dh = Grow(_dh, bh);
        _dc = Grow(_dc, bh);
        var dh = _dh.AsSpan(0, bh);
        var dc = _dc.AsSpan(0, bh);
        dStateT[..bh].CopyTo(dh);
        dStateT.Slice(bh, bh).CopyTo(dc);
        var wHh = WeightHh.Of(parameters);

        for (var t = steps - 1; t >= 0; t--)
        {
            var gates = _gates.AsSpan(t * batch * gh, batch * gh);
            var dGates = _dGates.AsSpan(t * batch * gh, batch * gh);
            var cPrev = _c.AsSpan(t * bh, bh);
            var cNext = _c.AsSpan((t + 1) * bh, bh);
            var dyT = dy.Slice(t * bh, bh);
            for (var b = 0; b < batch; b++)
            {
                var g = gates.Slice(b * gh, gh);
                var d = dGates.Slice(b * gh, gh);
                // dh = dh_next + dy; dc += dh ⊙ o ⊙ (1 - tanh²c); pre-activation gradients through σ' and tanh'
                for (var j = 0; j < hs; j++)
                {
                    var k = b * hs + j;
                    float i = g[j], f = g[hs + j], gg = g[2 * hs + j], o = g[3 * hs + j];
                    var h = dh[k] + dyT[k];
                    var tc = MathF.Tanh(cNext[k]);
                    var c = dc[k] + h * o * (1f - tc * tc);
                    d[j] = c * gg * i * (1f - i);
                    d[hs + j] = c * cPrev[k] * f * (1f - f);
                    d[2 * hs + j] = c * i * (1f - gg * gg);
                    d[3 * hs + j] = h * tc * o * (1f - o);
                    dc[k] = c * f;
                }
            }
            // dh_prev = dGates_t · W_hh
            Compute.Gemm(false, false, batch, hs, gh, dGates, wHh, dh, false);
        }

        dh.CopyTo(dState0);
        dc.CopyTo(dState0[bh..]);
        AccumulateWindowGradients(parameters, _x, _h, _dGates, _dGates, dx, gradients, rows);
    }
}
