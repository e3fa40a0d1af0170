using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels.Compute;

/// <summary>
/// 8×8 float transposes in YMM registers (unpack, shuffle, lane permute: 24 shuffles per 64 elements), used by
/// packing wherever the source runs the other way from the panel layout. A scalar gather is 4–8× slower there.
/// </summary>
internal static unsafe class RegisterTranspose
{
    /// <summary>dst[q*ldd + r] = src[r*lds + q] for r, q in 0..8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
    {
        Transpose(
            Avx.LoadVector256(src), Avx.LoadVector256(src + lds),
            Avx.LoadVector256(src + 2 * lds), Avx.LoadVector256(src + 3 * lds),
            Avx.LoadVector256(src + 4 * lds), Avx.LoadVector256(src + 5 * lds),
            Avx.LoadVector256(src + 6 * lds), Avx.LoadVector256(src + 7 * lds),
            out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
        Avx.Store(dst, o0);
        Avx.Store(dst + ldd, o1);
        Avx.Store(dst + 2 * ldd, o2);
        Avx.Store(dst + 3 * ldd, o3);
        Avx.Store(dst + 4 * ldd, o4);
        Avx.Store(dst + 5 * ldd, o5);
        Avx.Store(dst + 6 * ldd, o6);
        Avx.Store(dst + 7 * ldd, o7);
    }

    /// <summary>
    /// dst[q*6 + r] = src[r*lds + q] for r in 0..6, q in 0..8: eight depth steps of a six-row A panel; rows from
    /// <paramref name="rows"/> on are zero (a partial panel). Each column is stored as a full vector whose two surplus
    /// lanes the next store overwrites, so the last store writes two floats past dst[47]; callers keep two writable
    /// floats there that are rewritten later.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeSixRows(float* src, nint lds, int rows, float* dst)
    {
        var zero = Vector256<float>.Zero;
        Transpose(
            Avx.LoadVector256(src), rows > 1 ? Avx.LoadVector256(src + lds) : zero,
            rows > 2 ? Avx.LoadVector256(src + 2 * lds) : zero, rows > 3 ? Avx.LoadVector256(src + 3 * lds) : zero,
            rows > 4 ? Avx.LoadVector256(src + 4 * lds) : zero, rows > 5 ? Avx.LoadVector256(src + 5 * lds) : zero,
            zero, zero,
            out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
        Avx.Store(dst, o0);
        Avx.Store(dst + 6, o1);
        Avx.Store(dst + 12, o2);
        Avx.Store(dst + 18, o3);
        Avx.Store(dst + 24, o4);
        Avx.Store(dst + 30, o5);
        Avx.Store(dst + 36, o6);
        Avx.Store(dst + 42, o7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(
        Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        out Vector256<float> o0, out Vector256<float> o1, out Vector256<float> o2, out Vector256<float> o3,
        out Vector256<float> o4, out Vector256<float> o5, out Vector256<float> o6, out Vector256<float> o7)
    {
        // Interleave pairs of rows, then pairs of pairs: each 128-bit lane then holds a 4×4 sub-transpose.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        // Join the low lanes (columns 0-3) and the high lanes (columns 4-7) of the two row halves.
        o0 = Avx.Permute2x128(s0, s4, 0x20);
        o1 = Avx.Permute2x128(s1, s5, 0x20);
        o2 = Avx.Permute2x128(s2, s6, 0x20);
        o3 = Avx.Permute2x128(s3, s7, 0x20);
        o4 = Avx.Permute2x128(s0, s4, 0x31);
        o5 = Avx.Permute2x128(s1, s5, 0x31);
        o6 = Avx.Permute2x128(s2, s6, 0x31);
        o7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
