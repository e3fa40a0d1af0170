using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels.Compute;

/// <summary>
/// Copies a block of op(A) into MR-row panels, a[p*MR + i]: the micro-kernel then broadcasts six consecutive floats
/// per depth step. Panels are zero-padded to MR rows so edge tiles run the same kernels.
/// </summary>
internal static unsafe class GemmPackingA
{
    private const int MR = GemmMicroKernel.MR;

    /// <summary>
    /// Packs rows [i0, i0+mc) × depth [p0, p0+kc) of op(A) (A stored [m,k], or [k,m] when transA) into
    /// ceil(mc/MR) panels of MR·kc floats at <paramref name="dst"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(float* a, int m, int k, bool transA, int i0, int mc, int p0, int kc, float* dst)
    {
        var fullPanels = mc / MR;
        var vectorTransposed = transA && Sse.IsSupported;
        if (vectorTransposed) PackTransposedPanels(a + (nint)p0 * m + i0, m, fullPanels, kc, dst);
        for (var ir = vectorTransposed ? fullPanels * MR : 0; ir < mc; ir += MR)
        {
            var mr = Math.Min(MR, mc - ir);
            var panel = dst + (nint)ir * kc;
            if (transA) PackPanelScalar(a, m, k, transA, i0 + ir, mr, p0, kc, panel);
            else PackRowPanel(a + (nint)(i0 + ir) * k + p0, k, mr, kc, panel);
        }
    }

    /// <summary>
    /// Up to six rows of A (the rest zero): 8×6 register transposes when A is row-major, scalar at the end or without
    /// AVX.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRowPanel(float* rows, nint lda, int mr, int kc, float* panel)
    {
        var p = 0;
        if (Avx.IsSupported)
        {
            // Strictly less: each transpose writes two floats beyond its 48, which must land inside this panel
            // where the next step overwrites them.
            for (; p + 8 < kc; p += 8) RegisterTranspose.TransposeSixRows(rows + p, lda, mr, panel + p * MR);
        }
        for (; p < kc; p++)
            for (var i = 0; i < MR; i++) panel[p * MR + i] = i < mr ? rows[i * lda + p] : 0f;
    }

    /// <summary>
    /// Transposed A (stored [k, m]): the panel rows are neighbours in each stored row. Bands of eight stored rows are
    /// swept across all panels, so reads stay within a few contiguous runs and each panel gets 192 contiguous bytes;
    /// panel by panel would revisit every source line once per panel at a stride of m floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposedPanels(float* src, nint lda, int panels, int kc, float* dst)
    {
        const int Band = 8;
        var panelStride = (nint)kc * MR;
        for (var p = 0; p < kc; p += Band)
        {
            var rows = Math.Min(Band, kc - p);
            var from = src + p * lda;
            var to = dst + (nint)p * MR;
            for (var s = 0; s < panels; s++, from += MR, to += panelStride)
            {
                for (var r = 0; r < rows; r++)
                {
                    // Two overlapping 4-float moves cover the six floats without reading past them.
                    var high = Sse.LoadVector128(from + r * lda + 2);
                    Sse.Store(to + r * MR, Sse.LoadVector128(from + r * lda));
                    Sse.Store(to + r * MR + 2, high);
                }
            }
        }
    }

    /// <summary>Any panel, also partial ones (rows past <paramref name="mr"/> are zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPanelScalar(float* a, int m, int k, bool transA, int row, int mr, int p0, int kc,
        float* panel)
    {
        for (var p = 0; p < kc; p++, panel += MR)
        {
            for (var i = 0; i < MR; i++)
            {
                if (i >= mr) panel[i] = 0f;
                else if (transA) panel[i] = a[(nint)(p0 + p) * m + row + i];
                else panel[i] = a[(nint)(row + i) * k + p0 + p];
            }
        }
    }
}
