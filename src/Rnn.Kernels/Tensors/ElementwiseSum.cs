using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Kernels.Tensors;

/// <summary>
/// Elementwise sums, sixteen or eight lanes at a time: each element is one rounding per addend, so any vector width gives the
/// same bits.
/// </summary>
internal static class ElementwiseSum
{
    /// <summary>sum[j] += Σ_r m[r, j] over <paramref name="rows"/> rows of a row-major [rows, cols] matrix, rows in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddRows(ReadOnlySpan<float> m, int rows, int cols, Span<float> sum)
    {
        for (var r = 0; r < rows; r++) AddInto(m.Slice(r * cols, cols), sum[..cols]);
    }

    /// <summary>target[i] += source[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddInto(ReadOnlySpan<float> source, Span<float> target)
    {
        if (source.Length != target.Length)
            throw new ArgumentException($"adding {source.Length} floats into {target.Length}", nameof(source));
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref var s0 = ref MemoryMarshal.GetReference(source);
            ref var t0 = ref MemoryMarshal.GetReference(target);
            for (; i <= target.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                (Vector512.LoadUnsafe(ref t0, (nuint)i) + Vector512.LoadUnsafe(ref s0, (nuint)i)).StoreUnsafe(ref t0, (nuint)i);
        }
        for (; i <= target.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            (Vector256.Create(target.Slice(i, 8)) + Vector256.Create(source.Slice(i, 8))).CopyTo(target.Slice(i, 8));
        for (; i < target.Length; i++) target[i] += source[i];
    }
}
