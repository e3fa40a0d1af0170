using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Kernels.Tensors;

/// <summary>
/// v[i] ← v[i] · s, sixteen or eight lanes at a time: one rounding per element, so any vector width gives the same
/// bits. Gradients (normalising, clipping) and softmax rows (probabilities, the loss scale) are scaled here.
/// </summary>
public static class ElementwiseScale
{
    /// <summary>v[i] = v[i] · <paramref name="scale"/> for every i; nothing to do for a scale of exactly 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(Span<float> v, float scale)
    {
        // Multiplying by exactly 1 changes no bit; skip the pass (the common case: no clipping needed).
        if (scale == 1f) return;
        ref var v0 = ref MemoryMarshal.GetReference(v);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            // v[i..i+16) *= s: one rounding per element, as below
            for (; i <= v.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                (Vector512.LoadUnsafe(ref v0, (nuint)i) * s).StoreUnsafe(ref v0, (nuint)i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            // v[i..i+8) *= s
            for (; i <= v.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref v0, (nuint)i) * s).StoreUnsafe(ref v0, (nuint)i);
        }
        // v[i] *= s
        for (; i < v.Length; i++) v[i] *= scale;
    }
}
