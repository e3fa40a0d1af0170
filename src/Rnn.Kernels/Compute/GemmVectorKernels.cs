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
    /// the 16 depth positions of a step. With <paramref name="lanes"/>, step s takes only its first lanes[s] depth
    /// positions (a packed piece's running samples): the result is the product with the rest of A taken as zero
    /// (whatever it holds), and as zero terms leave a chain unchanged, its bits are those of that full product.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6x16Lanes<T>(int steps, float* a, nint stepStride, float* b, float* c, nint ldc, bool overwrite,
        int* lanes = null)
        where T : struct, IMultiplyAdd
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var s = 0; s < steps; s++, a += stepStride)
        {
            var row = a;
            var n = lanes == null ? NR : lanes[s];
            var next = b + NR * NR;
            for (var r = 0; r < n; r++, row++, b += NR)
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
            b = next;
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

    /// <summary>
    /// Twelve rows (two six-row panels <paramref name="a0"/>, <paramref name="a1"/>) × the first eight of sixteen
    /// lane columns: B and C rows are still 16 floats apart, lanes 8..15 are neither read nor written. The packed
    /// step's product when at most eight lanes of a piece still run (see CpuCompute.MultiplyLanes): each element is
    /// the same chain as in the 16-lane tiles, so the same bits; twelve chains cover FMA latency × ports.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile12x8<T>(int kc, float* a0, float* a1, float* b, float* c, nint ldc, bool overwrite)
        where T : struct, IMultiplyAdd
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector256<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (var p = 0; p < kc; p++, a0 += MR, a1 += MR, b += NR)
        {
            var bv = Avx.LoadAlignedVector256(b);
            c0 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a0), bv, c0);
            c1 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a0 + 1), bv, c1);
            c2 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a0 + 2), bv, c2);
            c3 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a0 + 3), bv, c3);
            c4 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a0 + 4), bv, c4);
            c5 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a0 + 5), bv, c5);
            c6 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a1), bv, c6);
            c7 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a1 + 1), bv, c7);
            c8 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a1 + 2), bv, c8);
            c9 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a1 + 3), bv, c9);
            c10 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a1 + 4), bv, c10);
            c11 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a1 + 5), bv, c11);
        }
        Store(c, overwrite, c0);
        Store(c + ldc, overwrite, c1);
        Store(c + 2 * ldc, overwrite, c2);
        Store(c + 3 * ldc, overwrite, c3);
        Store(c + 4 * ldc, overwrite, c4);
        Store(c + 5 * ldc, overwrite, c5);
        Store(c + 6 * ldc, overwrite, c6);
        Store(c + 7 * ldc, overwrite, c7);
        Store(c + 8 * ldc, overwrite, c8);
        Store(c + 9 * ldc, overwrite, c9);
        Store(c + 10 * ldc, overwrite, c10);
        Store(c + 11 * ldc, overwrite, c11);
    }

    /// <summary><see cref="Tile12x8{T}"/> for one six-row panel, of which the first <paramref name="mr"/> rows are stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6x8<T>(int kc, float* a, float* b, float* c, nint ldc, int mr, bool overwrite)
        where T : struct, IMultiplyAdd
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        for (var p = 0; p < kc; p++, a += MR, b += NR)
        {
            var bv = Avx.LoadAlignedVector256(b);
            c0 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a), bv, c0);
            c1 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 1), bv, c1);
            c2 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 2), bv, c2);
            c3 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 3), bv, c3);
            c4 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 4), bv, c4);
            c5 = T.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 5), bv, c5);
        }
        Store(c, overwrite, c0);
        if (mr > 1) Store(c + ldc, overwrite, c1);
        if (mr > 2) Store(c + 2 * ldc, overwrite, c2);
        if (mr > 3) Store(c + 3 * ldc, overwrite, c3);
        if (mr > 4) Store(c + 4 * ldc, overwrite, c4);
        if (mr > 5) Store(c + 5 * ldc, overwrite, c5);
    }

    /// <summary>
    /// Twenty-four rows (four six-row panels <paramref name="a"/>, <paramref name="panelStride"/> apart) × the first
    /// four of sixteen lane columns. Each vector holds two rows' four lanes interleaved: a pair of A values broadcast
    /// as one double (a[2j], a[2j+1], a[2j], ...) times the four B lanes each doubled (b0, b0, b1, b1, ...), so twelve
    /// chains cover the 24 rows at half the multiply-adds of <see cref="Tile12x8{T}"/> twice; the store splits the
    /// pairs back into rows. Each element is the same chain as in the 16-lane tiles, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile24x4<T>(int kc, float* a, nint panelStride, float* b, float* c, nint ldc, bool overwrite)
        where T : struct, IMultiplyAdd
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector256<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        var doubled = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);
        float* a1 = a + panelStride, a2 = a + 2 * panelStride, a3 = a + 3 * panelStride;
        for (var p = 0; p < kc; p++, a += MR, a1 += MR, a2 += MR, a3 += MR, b += NR)
        {
            var bv = Avx2.PermuteVar8x32(Avx.LoadAlignedVector256(b), doubled);
            c0 = T.MultiplyAdd(Pair(a), bv, c0);
            c1 = T.MultiplyAdd(Pair(a + 2), bv, c1);
            c2 = T.MultiplyAdd(Pair(a + 4), bv, c2);
            c3 = T.MultiplyAdd(Pair(a1), bv, c3);
            c4 = T.MultiplyAdd(Pair(a1 + 2), bv, c4);
            c5 = T.MultiplyAdd(Pair(a1 + 4), bv, c5);
            c6 = T.MultiplyAdd(Pair(a2), bv, c6);
            c7 = T.MultiplyAdd(Pair(a2 + 2), bv, c7);
            c8 = T.MultiplyAdd(Pair(a2 + 4), bv, c8);
            c9 = T.MultiplyAdd(Pair(a3), bv, c9);
            c10 = T.MultiplyAdd(Pair(a3 + 2), bv, c10);
            c11 = T.MultiplyAdd(Pair(a3 + 4), bv, c11);
        }
        StorePairs(c, ldc, overwrite, c0);
        StorePairs(c + 2 * ldc, ldc, overwrite, c1);
        StorePairs(c + 4 * ldc, ldc, overwrite, c2);
        StorePairs(c + 6 * ldc, ldc, overwrite, c3);
        StorePairs(c + 8 * ldc, ldc, overwrite, c4);
        StorePairs(c + 10 * ldc, ldc, overwrite, c5);
        StorePairs(c + 12 * ldc, ldc, overwrite, c6);
        StorePairs(c + 14 * ldc, ldc, overwrite, c7);
        StorePairs(c + 16 * ldc, ldc, overwrite, c8);
        StorePairs(c + 18 * ldc, ldc, overwrite, c9);
        StorePairs(c + 20 * ldc, ldc, overwrite, c10);
        StorePairs(c + 22 * ldc, ldc, overwrite, c11);
    }

    /// <summary><see cref="Tile24x4{T}"/> for one six-row panel, of which the first <paramref name="mr"/> rows are stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6x4<T>(int kc, float* a, float* b, float* c, nint ldc, int mr, bool overwrite)
        where T : struct, IMultiplyAdd
    {
        Vector256<float> c0 = default, c1 = default, c2 = default;
        var doubled = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);
        for (var p = 0; p < kc; p++, a += MR, b += NR)
        {
            var bv = Avx2.PermuteVar8x32(Avx.LoadAlignedVector256(b), doubled);
            c0 = T.MultiplyAdd(Pair(a), bv, c0);
            c1 = T.MultiplyAdd(Pair(a + 2), bv, c1);
            c2 = T.MultiplyAdd(Pair(a + 4), bv, c2);
        }
        var scratch = stackalloc float[MR * 4];
        StorePairs(scratch, 4, overwrite: true, c0);
        StorePairs(scratch + 8, 4, overwrite: true, c1);
        StorePairs(scratch + 16, 4, overwrite: true, c2);
        for (var i = 0; i < mr; i++)
            for (var j = 0; j < 4; j++)
                c[i * ldc + j] = overwrite ? scratch[i * 4 + j] : c[i * ldc + j] + scratch[i * 4 + j];
    }

    /// <summary>(a[0], a[1]) repeated four times: one 8-byte broadcast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pair(float* a) => Avx.BroadcastScalarToVector256((double*)a).AsSingle();

    /// <summary>
    /// Rows <paramref name="c"/> and c + ldc, four lanes each, from a pair-interleaved vector (row 0 in the even
    /// elements, row 1 in the odd ones).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairs(float* c, nint ldc, bool overwrite, Vector256<float> v)
    {
        var rows = Avx2.PermuteVar8x32(v, Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7));
        var first = rows.GetLower();
        var second = rows.GetUpper();
        if (!overwrite)
        {
            first = Sse.Add(Sse.LoadVector128(c), first);
            second = Sse.Add(Sse.LoadVector128(c + ldc), second);
        }
        Sse.Store(c, first);
        Sse.Store(c + ldc, second);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, bool overwrite, Vector256<float> v)
    {
        if (!overwrite) v = Avx.Add(Avx.LoadVector256(row), v);
        Avx.Store(row, v);
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
