using ILGPU;

namespace Rnn.Kernels.Ilgpu.Kernels;

/// <summary>
/// The fused LSTM cell, one thread per (b, j) of [B, H]; gates rows are [i, f, g, o] blocks of H (PyTorch order).
/// Forward overwrites the pre-activations with the activated gates, which backward reads.
/// </summary>
internal static class LstmCellKernels
{
    // i,f,o = σ(a), g = tanh(a); c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c')
    public static void Forward(Index1D k, ArrayView<float> gates, ArrayView<float> cPrev, ArrayView<float> cNext,
        ArrayView<float> hNext, int hidden)
    {
        int b = k / hidden, j = k % hidden;
        var row = (long)b * 4 * hidden;
        var i = DeviceMath.Sigmoid(gates[row + j]);
        var f = DeviceMath.Sigmoid(gates[row + hidden + j]);
        var g = DeviceMath.Tanh(gates[row + 2 * hidden + j]);
        var o = DeviceMath.Sigmoid(gates[row + 3 * hidden + j]);
        gates[row + j] = i;
        gates[row + hidden + j] = f;
        gates[row + 2 * hidden + j] = g;
        gates[row + 3 * hidden + j] = o;
        var c = f * cPrev[k] + i * g;
        cNext[k] = c;
        hNext[k] = o * DeviceMath.Tanh(c);
    }

    // dh = dh + dy; dc = dc + dh·o·(1 − tanh²c'); dA = [dc·g·i(1−i), dc·c·f(1−f), dc·i·(1−g²), dh·tanh c'·o(1−o)]; dc ← dc·f
    public static void Backward(Index1D k, ArrayView<float> gates, ArrayView<float> cPrev, ArrayView<float> cNext,
        ArrayView<float> dy, ArrayView<float> dh, ArrayView<float> dc, ArrayView<float> dGates, int hidden)
    {
        int b = k / hidden, j = k % hidden;
        var row = (long)b * 4 * hidden;
        float i = gates[row + j], f = gates[row + hidden + j], gg = gates[row + 2 * hidden + j], o = gates[row + 3 * hidden + j];
        var h = dh[k] + dy[k];
        var tc = DeviceMath.Tanh(cNext[k]);
        var c = dc[k] + h * o * (1f - tc * tc);
        dGates[row + j] = c * gg * i * (1f - i);
        dGates[row + hidden + j] = c * cPrev[k] * f * (1f - f);
        dGates[row + 2 * hidden + j] = c * i * (1f - gg * gg);
        dGates[row + 3 * hidden + j] = h * tc * o * (1f - o);
        dc[k] = c * f;
    }
}
