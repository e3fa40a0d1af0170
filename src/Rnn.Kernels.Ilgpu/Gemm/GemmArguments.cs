namespace Rnn.Kernels.Ilgpu.Gemm;

/// <summary>
/// The shape of one row-major GEMM C[m,n] = (accumulate ? C : 0) + op(A)·op(B), as passed to the tiled kernel.
/// op(A) is [m,k] (A stored [k,m] when TransA); op(B) is [k,n] (B stored [n,k] when TransB). Tile is the runtime
/// tile edge (at most <see cref="TiledGemmKernel.MaxTile"/>), equal to the group's edge.
/// </summary>
public readonly record struct GemmArguments(int M, int N, int K, int TransA, int TransB, int Accumulate, int Tile);
