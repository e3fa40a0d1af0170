using System.Runtime.CompilerServices;
namespace Rnn.Kernels.Compute;

/// <summary>
/// How one GEMM is cut into output tiles. A pure function of the shape and operand layout, never of the thread
/// count, so the tile grid, the depth blocking and therefore every output element's instruction sequence are the
/// same however many threads share the tiles. Depth (k) is blocked by <see cref="KC"/> inside each tile and is never
/// split across tiles, so no reduction is ever shared between threads.
/// </summary>
internal readonly struct GemmPlan
{
    /// <summary>Depth block: a 16-column B panel of KC steps (16 KiB) stays in L1 while the A block streams.</summary>
    public const int KC = 256;

    /// <summary>Largest tile: a 96×KC A block (96 KiB) plus a KC×256 B block (256 KiB) fit a 512 KiB L2.</summary>
    private const int MaxTileM = 16 * GemmMicroKernel.MR;
    private const int MaxTileN = 16 * GemmMicroKernel.NR;
    private const int MinTileM = 2 * GemmMicroKernel.MR;
    private const int MinTileN = 2 * GemmMicroKernel.NR;

    /// <summary>
    /// Enough tiles to balance a static split over a few cores without shrinking tiles below usefulness.
    /// </summary>
    private const int TargetTiles = 8;

    /// <summary>
    /// Below this many multiply-adds per tile, splitting further costs more in packing than it gains.
    /// </summary>
    private const long MinTileMacs = 1 << 16;

    /// <summary>Below this many multiply-adds in total the caller's thread does the whole product.</summary>
    public const long MinParallelMacs = 1 << 17;

    public int M { get; }
    public int N { get; }
    public int K { get; }
    public int TileM { get; }
    public int TileN { get; }
    public int TilesM { get; }
    public int TilesN { get; }

    /// <summary>
    /// Tile order. Row-major (m-major) keeps a thread's packed A block valid across its consecutive tiles and repacks
    /// B per tile; column-major the reverse. Picked to pack less; prepacked B always goes m-major.
    /// </summary>
    public bool MMajor { get; }

    public int TileCount => TilesM * TilesN;

    private GemmPlan(int m, int n, int k, int tileM, int tileN, bool mMajor)
    {
        M = m;
        N = n;
        K = k;
        TileM = tileM;
        TileN = tileN;
        TilesM = (m + tileM - 1) / tileM;
        TilesN = (n + tileN - 1) / tileN;
        MMajor = mMajor;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GemmPlan Create(int m, int n, int k, bool transB, bool bPrepacked)
    {
        var tileM = Math.Min(RoundUp(m, GemmMicroKernel.MR), MaxTileM);
        var tileN = Math.Min(RoundUp(n, GemmMicroKernel.NR), MaxTileN);
        while (Tiles(m, tileM) * Tiles(n, tileN) < TargetTiles)
        {
            // Split columns first: a column split only repacks A (small for the batch-sized m of RNN steps), a row
            // split repacks B, the big operand there. Stop where tiles get too small to be worth a thread.
            int nextM = tileM, nextN = tileN;
            if (tileN >= 2 * MinTileN) nextN = RoundUp((tileN + 1) / 2, GemmMicroKernel.NR);
            else if (tileM >= 2 * MinTileM) nextM = RoundUp((tileM + 1) / 2, GemmMicroKernel.MR);
            else break;
            if ((long)nextM * nextN * k < MinTileMacs) break;
            tileM = nextM;
            tileN = nextN;
        }

        var tilesM = Tiles(m, tileM);
        var tilesN = Tiles(n, tileN);
        // Packing cost per float: A panels (six-float groups) and transposed B take about twice the work of copying
        // 16-float runs of row-major B.
        var aCost = 2L * m * k;
        var bCost = (transB ? 2L : 1L) * k * n;
        var mMajor = bPrepacked || bCost * tilesM + aCost <= aCost * tilesN + bCost;
        return new GemmPlan(m, n, k, tileM, tileN, mMajor);
    }

    /// <summary>
    /// The tile with linear index <paramref name="t"/> (in this plan's order): its row and column index.
    /// </summary>
    public (int TileRow, int TileColumn) TileAt(int t) =>
        MMajor ? (t / TilesN, t % TilesN) : (t % TilesM, t / TilesM);

    public static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    private static int Tiles(int size, int tile) => (size + tile - 1) / tile;
}
