using ILGPU;

namespace Rnn.Kernels.Ilgpu.Gemm;

/// <summary>
/// A shared-memory tiled SGEMM for every ILGPU accelerator: each group computes a Tile×Tile block of C, staging
/// Tile×Tile blocks of op(A) and op(B) in shared memory; each thread owns one element of C and sums over k in
/// order, so the result does not depend on the launch.
/// </summary>
internal static class TiledGemmKernel
{
    /// <summary>The largest tile edge; shared memory is sized for it, smaller runtime tiles use part of it.</summary>
    public const int MaxTile = 16;

    // C[row, col] = (acc ? C[row, col] : 0) + Σ_k op(A)[row, k] · op(B)[k, col], k in tiles through shared memory
    public static void Run(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArguments g)
    {
        var tileA = SharedMemory.Allocate<float>(MaxTile * MaxTile);
        var tileB = SharedMemory.Allocate<float>(MaxTile * MaxTile);
        int tile = g.Tile, tx = Group.IdxX, ty = Group.IdxY;
        int row = Grid.IdxY * tile + ty, col = Grid.IdxX * tile + tx;
        var sum = 0f;
        for (var k0 = 0; k0 < g.K; k0 += tile)
        {
            int ka = k0 + tx, kb = k0 + ty;
            var av = 0f;
            if (row < g.M && ka < g.K) av = g.TransA != 0 ? a[(long)ka * g.M + row] : a[(long)row * g.K + ka];
            var bv = 0f;
            if (col < g.N && kb < g.K) bv = g.TransB != 0 ? b[(long)col * g.K + kb] : b[(long)kb * g.N + col];
            tileA[ty * MaxTile + tx] = av;
            tileB[ty * MaxTile + tx] = bv;
            Group.Barrier();
            for (var kk = 0; kk < tile; kk++) sum += tileA[ty * MaxTile + kk] * tileB[kk * MaxTile + tx];
            Group.Barrier();
        }
        if (row < g.M && col < g.N)
        {
            var index = (long)row * g.N + col;
            c[index] = g.Accumulate != 0 ? c[index] + sum : sum;
        }
    }
}
