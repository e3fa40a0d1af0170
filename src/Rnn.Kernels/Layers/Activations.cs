namespace Rnn.Kernels.Layers;

/// <summary>Elementwise nonlinearities used by the cells, applied in place.</summary>
internal static class Activations
{
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    public static void SigmoidInPlace(Span<float> v)
    {
        for (var i = 0; i < v.Length; i++) v[i] = 1f / (1f + MathF.Exp(-v[i]));
    }

    public static void TanhInPlace(Span<float> v)
    {
        for (var i = 0; i < v.Length; i++) v[i] = MathF.Tanh(v[i]);
    }
}
