using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels.Compute;

/// <summary>
/// Vector512 register tiles over the same packed panels as <see cref="GemmVectorKernels"/>: a 16-column row of C is
/// one ZMM register instead of two YMM halves. Each output element is the same chain acc = fma(a[p], b[p], acc) for
/// p = 0..kc-1 from +0, then stored or added to C once, so every element has the bits the 256-bit FMA tiles give.
/// </summary>
internal static unsafe class GemmVectorKernels512
{
    private const int MR = GemmMicroKernel.MR;
    private const int NR = GemmMicroKernel.NR;

    /// <summary>
    /// Twelve rows (two consecutive six-row panels, <paramref name="a0"/> and <paramref name="a1"/>) × 16 columns:
    /// 12 accumulators cover FMA latency × ports (4 × 2); one B load and twelve broadcasts per depth step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile12x16(int kc, float* a0, float* a1, float* b, float* c, nint ldc, bool overwrite)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (var p = 0; p < kc; p++, a0 += MR, a1 += MR, b += NR)
        {
            var bv = Avx512F.LoadVector512(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[0]), bv, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[1]), bv, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[2]), bv, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[3]), bv, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[4]), bv, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[5]), bv, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[0]), bv, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[1]), bv, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[2]), bv, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[3]), bv, c9);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[4]), bv, c10);
            c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[5]), bv, c11);
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

    /// <summary>
    /// Sixteen rows (two full panels and the first four rows of a third, <paramref name="a2"/>) × 16 columns: the last
    /// rows of a 16-row batch piece or of m = 64 in one pass, instead of a 12-row tile and a four-chain 4-row one
    /// (which runs at half rate where two 512-bit FMA ports need eight chains in flight).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile16x16(int kc, float* a0, float* a1, float* a2, float* b, float* c, nint ldc, bool overwrite)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        Vector512<float> c12 = default, c13 = default, c14 = default, c15 = default;
        for (var p = 0; p < kc; p++, a0 += MR, a1 += MR, a2 += MR, b += NR)
        {
            var bv = Avx512F.LoadVector512(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[0]), bv, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[1]), bv, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[2]), bv, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[3]), bv, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[4]), bv, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[5]), bv, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[0]), bv, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[1]), bv, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[2]), bv, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[3]), bv, c9);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[4]), bv, c10);
            c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[5]), bv, c11);
            c12 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[0]), bv, c12);
            c13 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[1]), bv, c13);
            c14 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[2]), bv, c14);
            c15 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[3]), bv, c15);
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
        Store(c + 12 * ldc, overwrite, c12);
        Store(c + 13 * ldc, overwrite, c13);
        Store(c + 14 * ldc, overwrite, c14);
        Store(c + 15 * ldc, overwrite, c15);
    }

    /// <summary>
    /// Twenty rows (three full panels and the first two rows of a fourth, <paramref name="a3"/>) × 16 columns: the
    /// last rows of m = 128 or 512 (12k + 8) in one pass, instead of a 12-row tile, a six-chain 6-row one and a 4-row
    /// one for two rows, which ran the last eight rows at about 60% of the rate. 20 accumulators and the B row fit the 32
    /// ZMM registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile20x16(int kc, float* a0, float* a1, float* a2, float* a3, float* b, float* c, nint ldc,
        bool overwrite)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default;
        Vector512<float> c7 = default, c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c14 = default, c15 = default, c16 = default, c17 = default, c18 = default, c19 = default;
        for (var p = 0; p < kc; p++, a0 += MR, a1 += MR, a2 += MR, a3 += MR, b += NR)
        {
            var bv = Avx512F.LoadVector512(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[0]), bv, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[1]), bv, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[2]), bv, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[3]), bv, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[4]), bv, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[5]), bv, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[0]), bv, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[1]), bv, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[2]), bv, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[3]), bv, c9);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[4]), bv, c10);
            c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[5]), bv, c11);
            c12 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[0]), bv, c12);
            c13 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[1]), bv, c13);
            c14 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[2]), bv, c14);
            c15 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[3]), bv, c15);
            c16 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[4]), bv, c16);
            c17 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[5]), bv, c17);
            c18 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[0]), bv, c18);
            c19 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[1]), bv, c19);
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
        Store(c + 12 * ldc, overwrite, c12);
        Store(c + 13 * ldc, overwrite, c13);
        Store(c + 14 * ldc, overwrite, c14);
        Store(c + 15 * ldc, overwrite, c15);
        Store(c + 16 * ldc, overwrite, c16);
        Store(c + 17 * ldc, overwrite, c17);
        Store(c + 18 * ldc, overwrite, c18);
        Store(c + 19 * ldc, overwrite, c19);
    }

    /// <summary>Six rows × 16 columns of one panel (a lone last panel): six chains, latency-bound but exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6x16(int kc, float* a, float* b, float* c, nint ldc, bool overwrite)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        for (var p = 0; p < kc; p++, a += MR, b += NR)
        {
            var bv = Avx512F.LoadVector512(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), bv, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), bv, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), bv, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), bv, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), bv, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), bv, c5);
        }
        Store(c, overwrite, c0);
        Store(c + ldc, overwrite, c1);
        Store(c + 2 * ldc, overwrite, c2);
        Store(c + 3 * ldc, overwrite, c3);
        Store(c + 4 * ldc, overwrite, c4);
        Store(c + 5 * ldc, overwrite, c5);
    }

    /// <summary>Four rows × 16 columns over a six-row panel (rows 4 and 5 ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile4x16(int kc, float* a, float* b, float* c, nint ldc, bool overwrite)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (var p = 0; p < kc; p++, a += MR, b += NR)
        {
            var bv = Avx512F.LoadVector512(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), bv, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), bv, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), bv, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), bv, c3);
        }
        Store(c, overwrite, c0);
        Store(c + ldc, overwrite, c1);
        Store(c + 2 * ldc, overwrite, c2);
        Store(c + 3 * ldc, overwrite, c3);
    }

    /// <summary>
    /// <see cref="Tile12x16"/> with A read where it lies lane-major (as <see cref="GemmVectorKernels.Tile6x16Lanes{T}"/>):
    /// row i at depth p = 16s + r is a[s·<paramref name="stepStride"/> + 16i + r]. The same chains, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile12x16Lanes(int steps, float* a, nint stepStride, float* b, float* c, nint ldc, bool overwrite,
        int* lanes = null)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (var s = 0; s < steps; s++, a += stepStride)
        {
            var row = a;
            var n = lanes == null ? NR : lanes[s];
            var next = b + NR * NR;
            for (var r = 0; r < n; r++, row++, b += NR)
            {
                var bv = Avx512F.LoadVector512(b);
                c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[0]), bv, c0);
                c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[NR]), bv, c1);
                c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[2 * NR]), bv, c2);
                c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[3 * NR]), bv, c3);
                c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[4 * NR]), bv, c4);
                c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[5 * NR]), bv, c5);
                c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[6 * NR]), bv, c6);
                c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[7 * NR]), bv, c7);
                c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[8 * NR]), bv, c8);
                c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[9 * NR]), bv, c9);
                c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[10 * NR]), bv, c10);
                c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[11 * NR]), bv, c11);
            }
            b = next;
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

    /// <summary><see cref="Tile12x16Lanes"/> for six rows (the last panel of an odd count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6x16Lanes(int steps, float* a, nint stepStride, float* b, float* c, nint ldc, bool overwrite,
        int* lanes = null)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        for (var s = 0; s < steps; s++, a += stepStride)
        {
            var row = a;
            var n = lanes == null ? NR : lanes[s];
            var next = b + NR * NR;
            for (var r = 0; r < n; r++, row++, b += NR)
            {
                var bv = Avx512F.LoadVector512(b);
                c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[0]), bv, c0);
                c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[NR]), bv, c1);
                c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[2 * NR]), bv, c2);
                c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[3 * NR]), bv, c3);
                c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[4 * NR]), bv, c4);
                c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(row[5 * NR]), bv, c5);
            }
            b = next;
        }
        Store(c, overwrite, c0);
        Store(c + ldc, overwrite, c1);
        Store(c + 2 * ldc, overwrite, c2);
        Store(c + 3 * ldc, overwrite, c3);
        Store(c + 4 * ldc, overwrite, c4);
        Store(c + 5 * ldc, overwrite, c5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, bool overwrite, Vector512<float> v)
    {
        if (!overwrite) v = Avx512F.Add(Avx512F.LoadVector512(row), v);
        Avx512F.Store(row, v);
    }
}
