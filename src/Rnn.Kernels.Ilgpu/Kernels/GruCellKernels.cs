using ILGPU;

namespace Rnn.Kernels.Ilgpu.Kernels;

/// <summary>
/// The fused GRU cell (reset_after), one thread per (b, j) of [B, H]; rows are [r, z, n] blocks of H. gx holds the
/// input projections (overwritten with the activated r, z, n), gh the hidden projections W_hh h + b_hh.
/// </summary>
internal static class GruCellKernels
{
    // r,z = σ(gx + gh); n = tanh(gx_n + r ⊙ gh_n); h' = (1 − z) ⊙ n + z ⊙ h
    public static void Forward(Index1D k, ArrayView<float> gx, ArrayView<float> gh, ArrayView<float> hPrev,
        ArrayView<float> hNext, int hidden)
    {
        int b = k / hidden, j = k % hidden;
        var row = (long)b * 3 * hidden;
        var r = DeviceMath.Sigmoid(gx[row + j] + gh[row + j]);
        var z = DeviceMath.Sigmoid(gx[row + hidden + j] + gh[row + hidden + j]);
        var n = DeviceMath.Tanh(gx[row + 2 * hidden + j] + r * gh[row + 2 * hidden + j]);
        gx[row + j] = r;
        gx[row + hidden + j] = z;
        gx[row + 2 * hidden + j] = n;
        hNext[k] = (1f - z) * n + z * hPrev[k];
    }

    // d = dh + dy; dAn = d(1−z)(1−n²); dAz = d(h−n)z(1−z); dAr = dAn·gh_n·r(1−r); dGh_n = dAn·r; dh ← d·z
    public static void Backward(Index1D k, ArrayView<float> gx, ArrayView<float> gh, ArrayView<float> hPrev,
        ArrayView<float> dy, ArrayView<float> dh, ArrayView<float> dGx, ArrayView<float> dGh, int hidden)
    {
        int b = k / hidden, j = k % hidden;
        var row = (long)b * 3 * hidden;
        float r = gx[row + j], z = gx[row + hidden + j], n = gx[row + 2 * hidden + j];
        var d = dh[k] + dy[k];
        var dAn = d * (1f - z) * (1f - n * n);
        var dAz = d * (hPrev[k] - n) * z * (1f - z);
        var dAr = dAn * gh[row + 2 * hidden + j] * r * (1f - r);
        dGx[row + j] = dAr;
        dGx[row + hidden + j] = dAz;
        dGx[row + 2 * hidden + j] = dAn;
        dGh[row + j] = dAr;
        dGh[row + hidden + j] = dAz;
        dGh[row + 2 * hidden + j] = dAn * r;
        dh[k] = d * z;
    }
}
