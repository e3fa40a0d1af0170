namespace Rnn.Kernels.Compute;

/// <summary>
/// A right-hand GEMM operand op(B) [K, N] already in the micro-kernel's panel layout, made by
/// <see cref="CpuCompute.Pack(bool, int, int, ReadOnlySpan{float})"/>. For weights that many GEMMs reuse between
/// optimizer steps: packing once per step saves a copy of B in every call. Results are bit-identical to the unpacked
/// call. The layout is private: depth blocks of <c>GemmPlan.KC</c> rows, each a run of 16-column panels.
/// </summary>
public sealed unsafe class PackedMatrix
{
    private readonly AlignedFloats _storage;

    internal PackedMatrix(int k, int n)
    {
        K = k;
        N = n;
        PaddedN = GemmPlan.RoundUp(n, GemmMicroKernel.NR);
        _storage = new AlignedFloats((long)k * PaddedN + 16);
    }

    /// <summary>Depth (rows of op(B)).</summary>
    public int K { get; }

    /// <summary>Columns of op(B).</summary>
    public int N { get; }

    /// <summary>N rounded up to whole panels: the row length of each packed depth block.</summary>
    internal int PaddedN { get; }

    /// <summary>Start of the packed data; valid for the object's lifetime because the storage is pinned.</summary>
    internal float* Data => _storage.Pointer;
}
