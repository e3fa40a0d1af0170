using ILGPU;

namespace Rnn.Kernels.Ilgpu.Kernels;

/// <summary>The simple RNN's backward step (its forward is a GEMM then <see cref="ElementwiseKernels.TanhInPlace"/>).</summary>
internal static class SimpleRnnCellKernels
{
    // dA = (dh + dy) ⊙ (1 − h²), h = tanh(a) of this step
    public static void Backward(Index1D k, ArrayView<float> h, ArrayView<float> dy, ArrayView<float> dh,
        ArrayView<float> dA) =>
        dA[k] = (dh[k] + dy[k]) * (1f - h[k] * h[k]);
}
