using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Layers;

/// <summary>
/// GRU with PyTorch's gate order r, z, n (Keras reset_after=True): r,z = σ(W_i* x + b_i* + W_h* h + b_h*),
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 - z) ⊙ n + z ⊙ h.
/// </summary>
public sealed class GruLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, CpuCompute compute)
    : RecurrentLayer(layout, index, inputSize, hiddenSize, 3, compute)
{
    // _gx: input projections, then r, z, n after activation; _gh: W_hh h + b_hh of every step (n needs its own part).
    private float[]? _x, _gx, _gh, _h, _dGx, _dGh, _dh;

    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch)
    {
        CheckShapes(x, state0, y, stateT, steps, batch);
        int hs = HiddenSize, gh = 3 * hs, bh = batch * hs, rows = steps * batch;
        _x = Grow(_x, rows * InputSize);
        _gx = Grow(_gx, rows * gh);
        _gh = Grow(_gh, rows * gh);
        _h = Grow(_h, (steps + 1) * bh);
        LastSteps = steps;
        LastBatch = batch;

        x[..(rows * InputSize)].CopyTo(_x);
        ProjectInputs(parameters, x, _gx, rows, BiasIh.Of(parameters));
        state0[..bh].CopyTo(_h);
        var wHh = WeightHh.Of(parameters);
        var bHh = BiasHh.Of(parameters);
        for (var t = 0; t < steps; t++)
        {
            var gxT = _gx.AsSpan(t * batch * gh, batch * gh);
            var ghT = _gh.AsSpan(t * batch * gh, batch * gh);
            var hPrev = _h.AsSpan(t * bh, bh);
            var hNext = _h.AsSpan((t + 1) * bh, bh);
            for (var b = 0; b < batch; b++) bHh.CopyTo(ghT.Slice(b * gh, gh));
            Compute.Gemm(false, true, batch, gh, hs, hPrev, wHh, ghT, true);
            for (var b = 0; b < batch; b++)
            {
                var gx = gxT.Slice(b * gh, gh);
                var ghh = ghT.Slice(b * gh, gh);
                // r, z = σ(gx + gh); n = tanh(gx_n + r ⊙ gh_n); h' = (1 - z) ⊙ n + z ⊙ h
                for (var j = 0; j < hs; j++)
                {
                    var r = Activations.Sigmoid(gx[j] + ghh[j]);
                    var z = Activations.Sigmoid(gx[hs + j] + ghh[hs + j]);
                    var n = MathF.Tanh(gx[2 * hs + j] + r * ghh[2 * hs + j]);
                    gx[j] = r;
                    gx[hs + j] = z;
                    gx[2 * hs + j] = n;
                    hNext[b * hs + j] = (1f - z) * n + z * hPrev[b * hs + j];
                }
            }
        }

        _h.AsSpan(bh, steps * bh).CopyTo(y);
        _h.AsSpan(steps * bh, bh).CopyTo(stateT);
    }

    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        int steps = LastSteps, batch = LastBatch, hs = HiddenSize, gh = 3 * hs, bh = batch * hs, rows = steps * batch;
        if (_gx is null || _gh is null || _h is null || _x is null)
            throw new InvalidOperationException("Backward needs a Forward first");
        _dGx = Grow(_dGx, rows * gh);
        _dGh = Grow(_dGh, rows * gh);
        _dh = Grow(_dh, bh);
        var dh = _dh.AsSpan(0, bh);
        dStateT[..bh].CopyTo(dh);
        var wHh = WeightHh.Of(parameters);
        for (var t = steps - 1; t >= 0; t--)
        {
            var gxT = _gx.AsSpan(t * batch * gh, batch * gh);
            var ghT = _gh.AsSpan(t * batch * gh, batch * gh);
            var dGxT = _dGx.AsSpan(t * batch * gh, batch * gh);
            var dGhT = _dGh.AsSpan(t * batch * gh, batch * gh);
            var hPrev = _h.AsSpan(t * bh, bh);
            var dyT = dy.Slice(t * bh, bh);
            for (var b = 0; b < batch; b++)
            {
                var g = gxT.Slice(b * gh, gh);
                var ghh = ghT.Slice(b * gh, gh);
                var dgx = dGxT.Slice(b * gh, gh);
                var dgh = dGhT.Slice(b * gh, gh);
                // dn = dh(1-z); dz = dh(h_prev - n); d(pre-n) = dn(1-n²); d(pre-r) = d(pre-n)·gh_n·r(1-r); h path keeps dh·z
                for (var j = 0; j < hs; j++)
                {
                    var k = b * hs + j;
                    float r = g[j], z = g[hs + j], n = g[2 * hs + j];
                    var d = dh[k] + dyT[k];
                    var dAn = d * (1f - z) * (1f - n * n);
                    var dAz = d * (hPrev[k] - n) * z * (1f - z);
                    var dAr = dAn * ghh[2 * hs + j] * r * (1f - r);
                    dgx[j] = dAr;
                    dgx[hs + j] = dAz;
                    dgx[2 * hs + j] = dAn;
                    dgh[j] = dAr;
                    dgh[hs + j] = dAz;
                    dgh[2 * hs + j] = dAn * r;
                    dh[k] = d * z;
                }
            }
            // dh_prev = dh ⊙ z + dGh_t·W_hh
            Compute.Gemm(false, false, batch, hs, gh, dGhT, wHh, dh, true);
        }

        dh.CopyTo(dState0);
        AccumulateWindowGradients(parameters, _x, _h, _dGx, _dGh, dx, gradients, rows);
    }
}
