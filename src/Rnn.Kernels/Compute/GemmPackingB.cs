using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels.Compute;

/// <summary>
/// Copies a block of op(B) into NR-column panels, b[p*NR + j]: the micro-kernel then reads two aligned vectors per
/// depth step from a 16 KiB panel that stays in L1. Panels are zero-padded to NR columns.
/// </summary>
internal static unsafe class GemmPackingB
{
    private const int NR = GemmMicroKernel.NR;

    /// <summary>Rows of row-major B copied per sweep across the panels.</summary>
    private const int Band = 8;

    /// <summary>
    /// Packs depth [p0, p0+kc) × columns [j0, j0+nc) of op(B) (B stored [k,n], or [n,k] when transB) into
    /// ceil(nc/NR) panels of NR·kc floats at <paramref name="dst"/> (64-byte aligned).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(float* b, int k, int n, bool transB, int j0, int nc, int p0, int kc, float* dst)
    {
        if (!Avx.IsSupported) PackScalar(b, k, n, transB, j0, nc, p0, kc, dst);
        else if (transB) PackTransposed(b, k, j0, nc, p0, kc, dst);
        else PackRowMajor(b, n, j0, nc, p0, kc, dst);
    }

    /// <summary>
    /// Row-major B in bands of eight rows: each band reads eight contiguous runs of source rows, which the hardware
    /// prefetcher streams, and writes 512 contiguous bytes per panel. A panel at a time would hop a whole row stride
    /// per 64 bytes read; a row at a time scatters single cache lines over every panel. Measured ~1.5× faster.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRowMajor(float* b, int n, int j0, int nc, int p0, int kc, float* dst)
    {
        var fullPanels = nc / NR;
        var tail = nc - fullPanels * NR;
        var panelStride = (nint)kc * NR;
        var ldb = (nint)n;
        var p = 0;
        for (; p + Band <= kc; p += Band)
        {
            var src = b + (p0 + p) * ldb + j0;
            var panel = dst + (nint)p * NR;
            for (var s = 0; s < fullPanels; s++, src += NR, panel += panelStride)
            {
                for (var r = 0; r < Band; r++) CopyRun(src + r * ldb, panel + r * NR);
            }
            if (tail != 0) CopyTail(src, ldb, panel, Band, tail);
        }
        for (; p < kc; p++)
        {
            var src = b + (p0 + p) * ldb + j0;
            var panel = dst + (nint)p * NR;
            for (var s = 0; s < fullPanels; s++, src += NR, panel += panelStride) CopyRun(src, panel);
            if (tail != 0) CopyTail(src, ldb, panel, 1, tail);
        }
    }

    /// <summary>One 16-float run into a panel row: one ZMM move with AVX-512, else two aligned YMM moves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(float* src, float* panel)
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            Avx512F.Store(panel, Avx512F.LoadVector512(src));
            return;
        }
        Avx.StoreAligned(panel, Avx.LoadVector256(src));
        Avx.StoreAligned(panel + 8, Avx.LoadVector256(src + 8));
    }

    /// <summary>Transposed B: stored row j holds op(B)[.., j]; 8×8 register transposes, scalar at the edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed(float* b, int k, int j0, int nc, int p0, int kc, float* dst)
    {
        var ldb = (nint)k;
        for (var jr = 0; jr < nc; jr += NR)
        {
            var nr = Math.Min(NR, nc - jr);
            var panel = dst + (nint)jr * kc;
            var src = b + (j0 + jr) * ldb + p0;
            var p = 0;
            if (nr == NR)
            {
                for (; p + 8 <= kc; p += 8)
                {
                    RegisterTranspose.Transpose8x8(src + p, ldb, panel + p * NR, NR);
                    RegisterTranspose.Transpose8x8(src + 8 * ldb + p, ldb, panel + p * NR + 8, NR);
                }
            }
            for (; p < kc; p++)
                for (var j = 0; j < NR; j++) panel[p * NR + j] = j < nr ? src[j * ldb + p] : 0f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyTail(float* src, nint ldb, float* panel, int rows, int tail)
    {
        for (var r = 0; r < rows; r++)
            for (var j = 0; j < NR; j++) panel[r * NR + j] = j < tail ? src[r * ldb + j] : 0f;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackScalar(float* b, int k, int n, bool transB, int j0, int nc, int p0, int kc, float* dst)
    {
        for (var jr = 0; jr < nc; jr += NR)
        {
            var panel = dst + (nint)jr * kc;
            for (var p = 0; p < kc; p++)
            {
                for (var j = 0; j < NR; j++)
                {
                    var column = j0 + jr + j;
                    panel[p * NR + j] = jr + j >= nc ? 0f
                        : transB ? b[(nint)column * k + p0 + p]
                        : b[(nint)(p0 + p) * n + column];
                }
            }
        }
    }
}
