using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Optimizers;

/// <summary>
/// Global-norm gradient clipping as torch.nn.utils.clip_grad_norm_ (norm type 2). Split so that the distributed
/// trainer can add <see cref="GlobalNormSquared"/> over blocks in block order, take the square root once, and hand
/// the one <see cref="ClipScale"/> to every block's <see cref="Scale"/>.
/// </summary>
public static class GradientClipping
{
    /// <summary>torch's guard against dividing by a zero norm: max_norm / (total_norm + 1e-6).</summary>
    public const float NormEpsilon = 1e-6f;

    /// <summary>Σ g[i]² accumulated in double in index order (each square is exact in double), so the result does
    /// not depend on vector width or threads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double GlobalNormSquared(ReadOnlySpan<float> gradients)
    {
        var sum = 0.0;
        ref var g0 = ref MemoryMarshal.GetReference(gradients);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Eight squares at a time off the chain (widening is exact, so they are the scalar loop's squares), then
            // the same additions in the same order: the chain is the additions alone, about half the scalar loop's time.
            Span<double> squares = stackalloc double[8];
            ref var s0 = ref MemoryMarshal.GetReference(squares);
            for (; i <= gradients.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref g0, (nuint)i));
                (low * low).StoreUnsafe(ref s0);
                (high * high).StoreUnsafe(ref s0, 4);
                for (var k = 0; k < 8; k++) sum += Unsafe.Add(ref s0, k);
            }
        }
        // Σ g[i]², one addition at a time
        for (; i < gradients.Length; i++)
        {
            var x = (double)Unsafe.Add(ref g0, i);
            sum += x * x;
        }
        return sum;
    }

    /// <summary>
    /// min(1, maxNorm / (globalNorm + 1e-6)), computed in float32 as torch does with its float32 norm tensor. A NaN or
    /// infinite norm gives NaN or 0, as in torch; check <see cref="AllFinite"/> first to skip such a step instead.
    /// </summary>
    public static float ClipScale(double globalNorm, float maxNorm)
    {
        if (!(maxNorm > 0f) || float.IsPositiveInfinity(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be positive and finite");
        if (globalNorm < 0.0)
            throw new ArgumentOutOfRangeException(nameof(globalNorm), globalNorm, "a norm is never negative");
        var coefficient = maxNorm / ((float)globalNorm + NormEpsilon);
        // torch: clip_coef.clamp(max=1.0), which keeps a NaN
        return MathF.Min(coefficient, 1f);
    }

    /// <summary>Clips <paramref name="gradients"/> in place to global norm <paramref name="maxNorm"/> and returns the
    /// norm before clipping (what torch's clip_grad_norm_ returns and what the trainer reports as grad_norm).</summary>
    public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm)
    {
        var norm = Math.Sqrt(GlobalNormSquared(gradients));
        Scale(gradients, ClipScale(norm, maxNorm));
        return (float)norm;
    }

    /// <summary>g[i] = g[i] · s for every i (<see cref="ElementwiseScale.Multiply"/>; a scale of 1 costs nothing).</summary>
    public static void Scale(Span<float> gradients, float scale) => ElementwiseScale.Multiply(gradients, scale);

    /// <summary>True when no element is NaN or ±∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllFinite(ReadOnlySpan<float> gradients)
    {
        ref var g0 = ref MemoryMarshal.GetReference(gradients);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= gradients.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var x = Vector512.LoadUnsafe(ref g0, (nuint)i);
                if (!Vector512.EqualsAll(x - x, Vector512<float>.Zero)) return false;
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            // x − x is 0 for a finite x and NaN for NaN or ±∞
            for (; i <= gradients.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var x = Vector256.LoadUnsafe(ref g0, (nuint)i);
                if (!Vector256.EqualsAll(x - x, Vector256<float>.Zero)) return false;
            }
        }
        for (; i < gradients.Length; i++)
            if (!float.IsFinite(gradients[i])) return false;
        return true;
    }
}
