using System.Runtime.CompilerServices;

namespace Rnn.Kernels.Compute;

/// <summary>
/// A right-hand GEMM operand op(B) [K, N] already in the micro-kernel's panel layout, made by
/// <see cref="CpuCompute.Pack(bool, int, int, ReadOnlySpan{float})"/>. For weights that many GEMMs reuse between
/// optimizer steps: packing once per step saves a copy of B in every call. Results are bit-identical to the unpacked
/// call. The layout is private: depth blocks of <c>GemmPlan.KC</c> rows, each a run of 16-column panels.
/// </summary>
public sealed unsafe class PackedMatrix
{
    // Pinned (POH) so the kernel can hold a raw pointer without fixed; offset aligns the data to 64 bytes.
    private readonly float[] _storage;
    private readonly int _offset;

    internal PackedMatrix(int k, int n)
    {
        K = k;
        N = n;
        PaddedN = GemmPlan.RoundUp(n, GemmMicroKernel.NR);
        var floats = (long)k * PaddedN + 16;
        if (floats > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(k), $"a packed [{k}, {n}] matrix is too large");
        _storage = GC.AllocateUninitializedArray<float>((int)floats, pinned: true);
        var address = (nint)Unsafe.AsPointer(ref _storage[0]);
        _offset = (int)((64 - (address & 63)) & 63) / sizeof(float);
    }

    /// <summary>Depth (rows of op(B)).</summary>
    public int K { get; }

    /// <summary>Columns of op(B).</summary>
    public int N { get; }

    /// <summary>N rounded up to whole panels: the row length of each packed depth block.</summary>
    internal int PaddedN { get; }

    /// <summary>Start of the packed data; valid for the object's lifetime because the storage is pinned.</summary>
    internal float* Data => (float*)Unsafe.AsPointer(ref _storage[_offset]);
}
