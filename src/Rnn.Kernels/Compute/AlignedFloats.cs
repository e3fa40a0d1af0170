using System.Runtime.CompilerServices;

namespace Rnn.Kernels.Compute;

/// <summary>
/// A pinned float buffer whose start is 64-byte aligned, for data the GEMM kernel reads with aligned vector loads
/// (the 16-lane B blocks of <see cref="CpuCompute.MultiplyLanes"/>). Grows only; never moved by the GC.
/// </summary>
internal sealed unsafe class AlignedFloats
{
    private readonly float[] _storage;
    private readonly int _offset;

    /// <summary>Zeroed, pinned storage of <paramref name="length"/> floats starting on a 64-byte boundary.</summary>
    public AlignedFloats(long length)
    {
        if (length + 16 > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, "too many floats for one array");
        Length = (int)length;
        _storage = GC.AllocateArray<float>((int)length + 16, pinned: true);
        var address = (nint)Unsafe.AsPointer(ref _storage[0]);
        _offset = (int)((64 - (address & 63)) & 63) / sizeof(float);
    }

    public int Length { get; }

    public Span<float> Span => _storage.AsSpan(_offset, Length);

    public float* Pointer => (float*)Unsafe.AsPointer(ref _storage[_offset]);

    /// <summary>The buffer itself when it holds at least <paramref name="length"/> floats, else a new (zeroed) one.</summary>
    public static AlignedFloats Grow(AlignedFloats? buffer, int length) =>
        buffer is not null && buffer.Length >= length ? buffer : new AlignedFloats(length);
}
