using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rnn.Kernels.Compute;

/// <summary>
/// One thread's packing buffers, 64-byte aligned native memory that only grows, so GEMM calls after warm-up
/// allocate nothing and the GC never moves what the kernel is streaming through. Owned by one
/// <see cref="CpuCompute"/> worker slot; freed on dispose.
/// </summary>
internal sealed unsafe class GemmWorkspace : IDisposable
{
    private const nuint Alignment = 64;

    /// <summary>Floats of slack after each buffer: panel stores are whole vectors.</summary>
    private const long Slack = 64;

    private float* _a;
    private long _aCapacity;
    private float* _b;
    private long _bCapacity;

    /// <summary>A buffer for a packed A tile of <paramref name="floats"/> floats, aligned to 64 bytes.</summary>
    public float* PackedA(long floats) => Ensure(ref _a, ref _aCapacity, floats);

    /// <summary>A buffer for a packed B tile of <paramref name="floats"/> floats, aligned to 64 bytes.</summary>
    public float* PackedB(long floats) => Ensure(ref _b, ref _bCapacity, floats);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float* Ensure(ref float* buffer, ref long capacity, long floats)
    {
        if (floats <= capacity) return buffer;
        // Grow by half again so a slowly increasing shape does not reallocate every call.
        var size = Math.Max(floats, capacity + capacity / 2);
        NativeMemory.AlignedFree(buffer);
        buffer = null;
        capacity = 0;
        buffer = (float*)NativeMemory.AlignedAlloc((nuint)((size + Slack) * sizeof(float)), Alignment);
        capacity = size;
        return buffer;
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
        _a = _b = null;
        _aCapacity = _bCapacity = 0;
    }
}
