using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels.Compute;

/// <summary>
/// Vector256 register tiles, generic over the multiply-add so FMA and AVX-only machines share the code. Each output
/// element is one chain acc = madd(a[p], b[p], acc) for p = 0..kc-1 starting from +0, then either stored or added to
/// C once; the 6-row and 4-row variants differ only in how many chains run side by side, so they give
/// bit-identical elements and the driver may pick any of them for any tile.
/// </summary>
internal static unsafe class GemmVectorKernels
{
    private const int MR = GemmMicroKernel.MR;
    private const int NR = GemmMicroKernel.NR;

    /// <summary>
    /// Six rows × 16 columns: 12 accumulators + 2 B vectors + 1 A broadcast = 15 of 16 YMM registers; 12 independent
    /// chains exceed FMA latency × ports (4 × 2) on current cores, so the loop runs at the FMA issue rate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6x16<T>(int kc, float* a, float* b, float* c, nint ldc, bool overwrite)
        where T : struct, IMultiplyAdd
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var p = 0; p < kc; p++, a += MR, b += NR)
        {
            var b0 = Avx.LoadAlignedVector256(b);
            var b1 = Avx.LoadAlignedVector256(b + 8);
            var ai = Avx.BroadcastScalarToVector256(a);
            c00 = T.MultiplyAdd(ai, b0, c00);
            c01 = T.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + 1);
            c10 = T.MultiplyAdd(ai, b0, c10);
            c11 = T.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + 2);
            c20 = T.MultiplyAdd(ai, b0, c20);
            c21 = T.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + 3);
            c30 = T.MultiplyAdd(ai, b0, c30);
            c31 = T.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a + 4);
            c40 = T.MultiplyAdd(ai, b0, c40);
            c41 = T.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a + 5);
            c50 = T.MultiplyAdd(ai, b0, c50);
            c51 = T.MultiplyAdd(ai, b1, c51);
        }
        Store(c, overwrite, c00, c01);
        Store(c + ldc, overwrite, c10, c11);
        Store(c + 2 * ldc, overwrite, c20, c21);
        Store(c + 3 * ldc, overwrite, c30, c31);
        Store(c + 4 * ldc, overwrite, c40, c41);
        Store(c + 5 * ldc, overwrite, c50, c51);
    }

    /// <summary>
    /// <see cref="Tile6x16{T}"/> with A read where it lies lane-major instead of from a packed panel: row i of A at
    /// depth p = 16s + r is a[s·<paramref name="stepStride"/> + 16i + r] (blocks [unit, 16 lanes], one per step). The
    /// same chains of multiply-adds as over the packed panel, so the same bits; the six rows' lines are reused for
    /// the 16 depth positions of a step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6x16Lanes<T>(int steps, float* a, nint stepStride, float* b, float* c, nint ldc, bool overwrite)
        where T : struct, IMultiplyAdd
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var s = 0; s < steps; s++, a += stepStride)
        {
            var row = a;
            for (var r = 0; r < NR; r++, row++, b += NR)
            {
                var b0 = Avx.LoadAlignedVector256(b);
                var b1 = Avx.LoadAlignedVector256(b + 8);
                var ai = Avx.BroadcastScalarToVector256(row);
                c00 = T.MultiplyAdd(ai, b0, c00);
                c01 = T.MultiplyAdd(ai, b1, c01);
                ai = Avx.BroadcastScalarToVector256(row + NR);
                c10 = T.MultiplyAdd(ai, b0, c10);
                c11 = T.MultiplyAdd(ai, b1, c11);
                ai = Avx.BroadcastScalarToVector256(row + 2 * NR);
                c20 = T.MultiplyAdd(ai, b0, c20);
                c21 = T.MultiplyAdd(ai, b1, c21);
                ai = Avx.BroadcastScalarToVector256(row + 3 * NR);
                c30 = T.MultiplyAdd(ai, b0, c30);
                c31 = T.MultiplyAdd(ai, b1, c31);
                ai = Avx.BroadcastScalarToVector256(row + 4 * NR);
                c40 = T.MultiplyAdd(ai, b0, c40);
                c41 = T.MultiplyAdd(ai, b1, c41);
                ai = Avx.BroadcastScalarToVector256(row + 5 * NR);
                c50 = T.MultiplyAdd(ai, b0, c50);
                c51 = T.MultiplyAdd(ai, b1, c51);
            }
        }
        Store(c, overwrite, c00, c01);
        Store(c + ldc, overwrite, c10, c11);
        Store(c + 2 * ldc, overwrite, c20, c21);
        Store(c + 3 * ldc, overwrite, c30, c31);
        Store(c + 4 * ldc, overwrite, c40, c41);
        Store(c + 5 * ldc, overwrite, c50, c51);
    }

    /// <summary>
    /// Four rows × 16 columns over a 6-row packed A panel (rows 4 and 5 ignored): the remainder of m = 64 (10 × 6 + 4)
    /// without computing two padding rows. Eight chains still cover FMA latency × ports.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile4x16<T>(int kc, float* a, float* b, float* c, nint ldc, bool overwrite)
        where T : struct, IMultiplyAdd
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (var p = 0; p < kc; p++, a += MR, b += NR)
        {
            var b0 = Avx.LoadAlignedVector256(b);
            var b1 = Avx.LoadAlignedVector256(b + 8);
            var ai = Avx.BroadcastScalarToVector256(a);
            c00 = T.MultiplyAdd(ai, b0, c00);
            c01 = T.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + 1);
            c10 = T.MultiplyAdd(ai, b0, c10);
            c11 = T.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + 2);
            c20 = T.MultiplyAdd(ai, b0, c20);
            c21 = T.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + 3);
            c30 = T.MultiplyAdd(ai, b0, c30);
            c31 = T.MultiplyAdd(ai, b1, c31);
        }
        Store(c, overwrite, c00, c01);
        Store(c + ldc, overwrite, c10, c11);
        Store(c + 2 * ldc, overwrite, c20, c21);
        Store(c + 3 * ldc, overwrite, c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, bool overwrite, Vector256<float> lo, Vector256<float> hi)
    {
        if (!overwrite)
        {
            lo = Avx.Add(Avx.LoadVector256(row), lo);
            hi = Avx.Add(Avx.LoadVector256(row + 8), hi);
        }
        Avx.Store(row, lo);
        Avx.Store(row + 8, hi);
    }
}
