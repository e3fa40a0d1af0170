using ILGPU;

namespace Rnn.Kernels.Ilgpu.Kernels;

/// <summary>Small data-movement kernels: bias broadcasts, copies, tanh. One thread per output element.</summary>
internal static class ElementwiseKernels
{
    // dst[i] = bias[i mod cols]
    public static void FillRows(Index1D i, ArrayView<float> dst, ArrayView<float> bias, int cols) =>
        dst[i] = bias[i % cols];

    // dst[i] = b1[i mod cols] + b2[i mod cols]   (the fused bias b_ih + b_hh of LSTM and simple RNN)
    public static void FillRowsWithSum(Index1D i, ArrayView<float> dst, ArrayView<float> b1, ArrayView<float> b2, int cols) =>
        dst[i] = b1[i % cols] + b2[i % cols];

    // dst[i] = src[i]
    public static void Copy(Index1D i, ArrayView<float> src, ArrayView<float> dst) => dst[i] = src[i];

    // dst[i] = value
    public static void Fill(Index1D i, ArrayView<float> dst, float value) => dst[i] = value;

    // v[i] = tanh(v[i])
    public static void TanhInPlace(Index1D i, ArrayView<float> v) => v[i] = DeviceMath.Tanh(v[i]);
}
