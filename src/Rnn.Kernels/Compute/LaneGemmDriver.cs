using System.Runtime.CompilerServices;

namespace Rnn.Kernels.Compute;

/// <summary>
/// The loops of <see cref="CpuCompute.GemmLaneMajorA"/>: C [m, N] (=|+=) A·B with A lane-major where it lies (one
/// [m, 16] block per step) and B prepacked. Bands of 96 rows × one depth block of A (96 KiB) stay in L2 while each
/// 16-column B panel (16 KiB) sits in L1, as in <see cref="GemmDriver"/>; every element is the same chain of
/// multiply-adds per depth block as there, so the bits match the ordinary GEMM. With per-step lane counts (a packed
/// piece) each step's lanes past its count are taken as zero and skipped.
/// </summary>
internal static unsafe class LaneGemmDriver
{
    private const int Lanes = GemmMicroKernel.NR, MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR, KC = GemmPlan.KC;
    private const int BandRows = 16 * MR;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(GemmKernelKind kernel, float* a, int m, int steps, nint stepStride, PackedMatrix b, float* c,
        bool accumulate, int* lanes)
    {
        int k = steps * Lanes, n = b.N;
        var edgePanel = stackalloc float[MR * KC];
        for (var i0 = 0; i0 < m; i0 += BandRows)
        {
            var mc = Math.Min(BandRows, m - i0);
            for (var p0 = 0; p0 < k; p0 += KC)
            {
                var kc = Math.Min(KC, k - p0);
                var overwrite = p0 == 0 && !accumulate;
                var aBlock = a + p0 / Lanes * stepStride + (nint)i0 * Lanes;
                var bBlock = b.Data + (nint)p0 * b.PaddedN;
                var blockLanes = lanes == null ? null : lanes + p0 / Lanes;
                // The edge panel holds rows ir.. of this depth block: built once, reused by every column panel (the
                // 512-bit kernels need it only for the last rows of A, so once per depth block instead of per panel).
                var edgeRows = -1;
                for (var jr = 0; jr < n; jr += NR)
                {
                    var nr = Math.Min(NR, n - jr);
                    var bPanel = bBlock + (nint)jr * kc;
                    for (var ir = 0; ir < mc; ir += MR)
                    {
                        var mr = Math.Min(MR, mc - ir);
                        var rows = aBlock + (nint)ir * Lanes;
                        var cTile = c + (nint)(i0 + ir) * n + jr;
                        if (mc - ir >= 2 * MR && nr == NR && kernel == GemmKernelKind.Fma512)
                        {
                            // Two panels' rows at once; the loop's own step skips the second.
                            GemmVectorKernels512.Tile12x16Lanes(kc / Lanes, rows, stepStride, bPanel, cTile, n, overwrite, blockLanes);
                            ir += MR;
                        }
                        else if (mr == MR && nr == NR && kernel == GemmKernelKind.Fma512)
                            GemmVectorKernels512.Tile6x16Lanes(kc / Lanes, rows, stepStride, bPanel, cTile, n, overwrite, blockLanes);
                        else if (mr == MR && nr == NR && kernel == GemmKernelKind.Fma)
                            GemmVectorKernels.Tile6x16Lanes<FusedMultiplyAdd>(kc / Lanes, rows, stepStride, bPanel, cTile, n, overwrite, blockLanes);
                        else if (mr == MR && nr == NR && kernel == GemmKernelKind.Avx)
                            GemmVectorKernels.Tile6x16Lanes<SeparateMultiplyAdd>(kc / Lanes, rows, stepStride, bPanel, cTile, n, overwrite, blockLanes);
                        else
                        {
                            // Edge tiles (and the scalar kernel) take the rows as the packed panel they would be.
                            if (edgeRows != ir) LaneTranspose.ToPanel(rows, mr, kc / Lanes, stepStride, edgePanel, blockLanes);
                            edgeRows = ir;
                            GemmMicroKernel.Run(kernel, kc, edgePanel, bPanel, cTile, n, mr, nr, overwrite);
                        }
                    }
                }
            }
        }
    }
}
