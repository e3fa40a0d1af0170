using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Losses;

/// <summary>
/// The vectorised pieces of a row softmax: the row's max, e_j = e^(x_j − max) with the project's single-precision
/// vector exp (<see cref="Activations.Exp(Vector512{float})"/>, Cephes' polynomial with FMAs) and Σ_j e_j; the
/// scaling of e into probabilities is <see cref="Tensors.ElementwiseScale"/>'s. The same bits on the 512-bit path,
/// the 256-bit path and for any row length:
/// <list type="bullet">
/// <item>the max is exact whatever the order (IEEE maximum: a NaN anywhere gives NaN, +0 beats −0);</item>
/// <item>e_j is elementwise: the same polynomial, constants and FMAs at either width;</item>
/// <item>the sum runs in 16 fixed lanes: lane l adds e_j for j ≡ l (mod 16) in index order, from +0 (a Vector512
/// on the 512-bit path, two Vector256 halves on the 256-bit one); the row's tail is one more 16-float chunk whose
/// lanes past the row add +0, which leaves a positive sum unchanged; then the lanes fold in one fixed tree
/// (l + l⊕8, then ⊕4, ⊕2, ⊕1);</item>
/// <item>scaling is elementwise (one multiplication by 1/Σ).</item>
/// </list>
/// </summary>
internal static class SoftmaxRows
{
    private const int Lanes = 16;

    /// <summary>The lower clamp of <see cref="Activations.Exp(Vector512{float})"/>.</summary>
    private const float ExpFloor = -87.3f;

    /// <summary>max_j x_j (IEEE maximum: NaN if any element is NaN). x must not be empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(ReadOnlySpan<float> x)
    {
        ref var x0 = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var j = 0;
        var max = x0;
        if (n >= Vector256<float>.Count)
        {
            // Max is exact and commutative, so any grouping gives the same value: read the last vector overlapping.
            var m = Vector256.LoadUnsafe(ref x0);
            for (j = Vector256<float>.Count; j + Vector256<float>.Count <= n; j += Vector256<float>.Count)
                m = Vector256.Max(m, Vector256.LoadUnsafe(ref x0, (nuint)j));
            m = Vector256.Max(m, Vector256.LoadUnsafe(ref x0, (nuint)(n - Vector256<float>.Count)));
            var m4 = Vector128.Max(m.GetLower(), m.GetUpper());
            max = MathF.Max(MathF.Max(m4[0], m4[1]), MathF.Max(m4[2], m4[3]));
            return max;
        }
        for (j = 1; j < n; j++) max = MathF.Max(max, Unsafe.Add(ref x0, j));
        return max;
    }

    /// <summary>
    /// e_j = e^(x_j − max) into <paramref name="e"/> (skipped when <paramref name="store"/> is false) and Σ_j e_j
    /// in the 16-lane order above.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ExpSum(ReadOnlySpan<float> x, float max, Span<float> e, bool store) =>
        Activations.Use512 ? ExpSum512(x, max, e, store) : ExpSum256(x, max, e, store);

    /// <summary>The 512-bit path of <see cref="ExpSum"/> (internal: the tests compare the two paths directly).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float ExpSum512(ReadOnlySpan<float> x, float max, Span<float> e, bool store)
    {
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var e0 = ref MemoryMarshal.GetReference(e);
        var shift = Vector512.Create(max);
        var sum = Vector512<float>.Zero;
        var full = x.Length - x.Length % Lanes;
        for (var j = 0; j < full; j += Lanes)
        {
            var v = ShiftedExp(Vector512.LoadUnsafe(ref x0, (nuint)j) - shift);
            if (store) v.StoreUnsafe(ref e0, (nuint)j);
            sum += v;
        }
        var tail = x.Length - full;
        if (tail > 0)
        {
            Span<float> padded = stackalloc float[Lanes];
            padded.Fill(max);
            x.Slice(full, tail).CopyTo(padded);
            var v = ShiftedExp(Vector512.Create((ReadOnlySpan<float>)padded) - shift);
            v = Vector512.ConditionalSelect(Vector512.LessThan(LaneIndex512, Vector512.Create(tail)).AsSingle(), v,
                Vector512<float>.Zero);
            if (store)
            {
                v.CopyTo(padded);
                padded[..tail].CopyTo(e.Slice(full, tail));
            }
            sum += v;
        }
        return Fold(sum.GetLower(), sum.GetUpper());
    }

    /// <summary>The 256-bit path of <see cref="ExpSum"/>: the 16 lanes as two Vector256 halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float ExpSum256(ReadOnlySpan<float> x, float max, Span<float> e, bool store)
    {
        const int half = Lanes / 2;
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var e0 = ref MemoryMarshal.GetReference(e);
        var shift = Vector256.Create(max);
        var low = Vector256<float>.Zero;
        var high = Vector256<float>.Zero;
        var full = x.Length - x.Length % Lanes;
        for (var j = 0; j < full; j += Lanes)
        {
            var a = ShiftedExp(Vector256.LoadUnsafe(ref x0, (nuint)j) - shift);
            var b = ShiftedExp(Vector256.LoadUnsafe(ref x0, (nuint)(j + half)) - shift);
            if (store)
            {
                a.StoreUnsafe(ref e0, (nuint)j);
                b.StoreUnsafe(ref e0, (nuint)(j + half));
            }
            low += a;
            high += b;
        }
        var tail = x.Length - full;
        if (tail > 0)
        {
            Span<float> padded = stackalloc float[Lanes];
            padded.Fill(max);
            x.Slice(full, tail).CopyTo(padded);
            ref var p0 = ref MemoryMarshal.GetReference(padded);
            var a = ShiftedExp(Vector256.LoadUnsafe(ref p0) - shift);
            var b = ShiftedExp(Vector256.LoadUnsafe(ref p0, half) - shift);
            a = Vector256.ConditionalSelect(Vector256.LessThan(LaneIndex256, Vector256.Create(tail)).AsSingle(), a,
                Vector256<float>.Zero);
            b = Vector256.ConditionalSelect(Vector256.LessThan(LaneIndex256, Vector256.Create(tail - half)).AsSingle(), b,
                Vector256<float>.Zero);
            if (store)
            {
                a.StoreUnsafe(ref p0);
                b.StoreUnsafe(ref p0, half);
                padded[..tail].CopyTo(e.Slice(full, tail));
            }
            low += a;
            high += b;
        }
        return Fold(low, high);
    }

    /// <summary>
    /// e^d for d = x − max ≤ 0: <see cref="Activations.Exp(Vector512{float})"/>, which clamps d at −87.3, and 0 below
    /// that (e^−87.3 ≈ 1.2e-38 is below float's normal range), so a class far below the max gets probability 0. A NaN
    /// stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ShiftedExp(Vector512<float> d) =>
        Vector512.ConditionalSelect(Vector512.LessThan(d, Vector512.Create(ExpFloor)), Vector512<float>.Zero,
            Activations.Exp(d));

    /// <summary><see cref="ShiftedExp(Vector512{float})"/> on eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ShiftedExp(Vector256<float> d) =>
        Vector256.ConditionalSelect(Vector256.LessThan(d, Vector256.Create(ExpFloor)), Vector256<float>.Zero,
            Activations.Exp(d));

    /// <summary>The 16 lanes (low = 0–7, high = 8–15) in one fixed tree: (l + l+8), then +4, +2, +1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Fold(Vector256<float> low, Vector256<float> high)
    {
        var eight = low + high;
        var four = eight.GetLower() + eight.GetUpper();
        return (four[0] + four[2]) + (four[1] + four[3]);
    }

    private static Vector256<int> LaneIndex256 => Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);

    private static Vector512<int> LaneIndex512 => Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}
