using System.Runtime.CompilerServices;

namespace Rnn.Kernels.Compute;

/// <summary>
/// Runs a contiguous range of a plan's tiles on the current thread: for each tile and each depth block, pack what is
/// not already packed, then sweep 6×16 micro-tiles (B panel outer so it stays in L1, A panels inner from L2).
/// An output element's arithmetic depends only on the plan (depth blocks in order, one kernel call per block, then
/// one add into C), never on which thread or which range of tiles ran it.
/// </summary>
internal static unsafe class GemmDriver
{
    private const int MR = GemmMicroKernel.MR;
    private const int NR = GemmMicroKernel.NR;
    private const int KC = GemmPlan.KC;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunTiles(in GemmProblem problem, in GemmPlan plan, int firstTile, int endTile,
        GemmWorkspace workspace)
    {
        if (firstTile >= endTile) return;
        var k = problem.K;
        // Packed operands cover the tile's full depth, so a tile that shares its rows (or columns) with the previous
        // tile of this thread reuses them instead of packing again.
        var packedA = workspace.PackedA((long)plan.TileM * k);
        var packedB = problem.PrepackedB != null ? null : workspace.PackedB((long)k * plan.TileN);
        int cachedRow = -1, cachedColumn = -1;

        for (var t = firstTile; t < endTile; t++)
        {
            var (tileRow, tileColumn) = plan.TileAt(t);
            var i0 = tileRow * plan.TileM;
            var j0 = tileColumn * plan.TileN;
            var mc = Math.Min(plan.TileM, problem.M - i0);
            var nc = Math.Min(plan.TileN, problem.N - j0);
            var mcPadded = GemmPlan.RoundUp(mc, MR);
            var ncPadded = GemmPlan.RoundUp(nc, NR);
            var packA = tileRow != cachedRow;
            var packB = packedB != null && tileColumn != cachedColumn;
            cachedRow = tileRow;
            cachedColumn = tileColumn;

            for (var p0 = 0; p0 < k; p0 += KC)
            {
                var kc = Math.Min(KC, k - p0);
                var aBlock = packedA + (nint)p0 * mcPadded;
                if (packA) GemmPackingA.Pack(problem.A, problem.M, k, problem.TransA, i0, mc, p0, kc, aBlock);

                float* bBlock;
                if (packedB == null)
                {
                    bBlock = problem.PrepackedB + (nint)p0 * problem.PrepackedPaddedN + (nint)j0 * kc;
                }
                else
                {
                    bBlock = packedB + (nint)p0 * ncPadded;
                    if (packB) GemmPackingB.Pack(problem.B, k, problem.N, problem.TransB, j0, nc, p0, kc, bBlock);
                }

                var overwrite = p0 == 0 && !problem.Accumulate;
                RunBlock(problem, aBlock, bBlock, i0, mc, j0, nc, kc, overwrite);
            }
        }
    }

    /// <summary>
    /// One depth block of one tile: B panels outer, so each stays in L1 while the A panels stream from L2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlock(in GemmProblem problem, float* aBlock, float* bBlock, int i0, int mc, int j0,
        int nc, int kc, bool overwrite)
    {
        var ldc = (nint)problem.N;
        var kernel = problem.Kernel;
        for (var jr = 0; jr < nc; jr += NR)
        {
            var nr = Math.Min(NR, nc - jr);
            var bPanel = bBlock + (nint)jr * kc;
            var cColumn = problem.C + (nint)i0 * ldc + j0 + jr;
            GemmMicroKernel.RunPanels(kernel, kc, aBlock, (nint)MR * kc, mc, bPanel, cColumn, ldc, nr, overwrite);
        }
    }
}
