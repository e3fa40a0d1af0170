using ILGPU;
using Rnn.Kernels.Optimizers;

namespace Rnn.Kernels.Ilgpu.Kernels;

/// <summary>
/// torch's single-tensor Adam per element, in exactly the float32 operation order of
/// <see cref="Optimizers.AdamOptimizer"/>'s scalar path (no fused multiply-add in the source).
/// </summary>
internal static class AdamKernels
{
    // g += wd·p; m = lerp(m, g, w); v = β2·v + (c·g)·g; p += (−s·m) / (√v / √bc2 + ε)
    public static void Step(Index1D i, ArrayView<float> p, ArrayView<float> grad, ArrayView<float> m,
        ArrayView<float> v, AdamStepCoefficients c)
    {
        var g = grad[i];
        if (c.WeightDecay != 0f) g += c.WeightDecay * p[i];
        var mi = m[i];
        mi = c.FirstMomentWeight < 0.5f ? mi + c.FirstMomentWeight * (g - mi) : g - (g - mi) * c.OneMinusFirstMomentWeight;
        var vi = v[i] * c.Beta2 + c.SecondMomentGradientScale * g * g;
        var denominator = MathF.Sqrt(vi) / c.BiasCorrection2Sqrt + c.Epsilon;
        p[i] = p[i] + c.NegativeStepSize * mi / denominator;
        m[i] = mi;
        v[i] = vi;
    }
}
