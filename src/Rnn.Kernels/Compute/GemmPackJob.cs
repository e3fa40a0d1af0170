using System.Runtime.CompilerServices;

namespace Rnn.Kernels.Compute;

/// <summary>
/// The pool job that packs a whole op(B) [k, n] once into the <see cref="PackedMatrix"/> layout before a large GEMM,
/// split into pieces of one depth block × up to <see cref="ChunkColumns"/> columns. Packing only copies, so which
/// thread packs a piece never changes a value.
/// </summary>
internal sealed unsafe class GemmPackJob : IComputeWork
{
    private const int ChunkColumns = 256;

    private float* _b;
    private float* _destination;
    private int _k, _n, _paddedN, _chunks;
    private bool _trans;

    public void Set(float* b, int k, int n, bool trans, float* destination, int paddedN)
    {
        _b = b;
        _k = k;
        _n = n;
        _trans = trans;
        _destination = destination;
        _paddedN = paddedN;
        _chunks = (n + ChunkColumns - 1) / ChunkColumns;
    }

    public void Clear() => _b = _destination = null;

    private int Pieces => (_k + GemmPlan.KC - 1) / GemmPlan.KC * _chunks;

    /// <summary>Every piece on the calling thread (a GEMM nested in a parallel loop).</summary>
    public void RunAll() => Execute(0, 1);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int worker, int participants)
    {
        var pieces = Pieces;
        var first = (int)((long)pieces * worker / participants);
        var end = (int)((long)pieces * (worker + 1) / participants);
        for (var piece = first; piece < end; piece++)
        {
            var p0 = piece / _chunks * GemmPlan.KC;
            var j0 = piece % _chunks * ChunkColumns;
            var kc = Math.Min(GemmPlan.KC, _k - p0);
            var nc = Math.Min(ChunkColumns, _n - j0);
            GemmPackingB.Pack(_b, _k, _n, _trans, j0, nc, p0, kc, _destination + (nint)p0 * _paddedN + (nint)j0 * kc);
        }
    }
}
