using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace Rnn.Kernels.Ilgpu.Memory;

/// <summary>
/// A device array that grows on demand and is then reused, so the steady state allocates nothing on the device.
/// Growing discards the contents. Copies to and from the host synchronise the default stream.
/// </summary>
public sealed class DeviceBuffer<T>(Accelerator accelerator) : IDisposable where T : unmanaged
{
    private MemoryBuffer1D<T, Stride1D.Dense>? _buffer;

    /// <summary>A view of at least <paramref name="length"/> elements (exactly that many).</summary>
    public ArrayView<T> Ensure(long length)
    {
        if (_buffer is null || _buffer.Length < length)
        {
            // Freeing is not ordered with the stream: a queued kernel may still use the old buffer.
            if (_buffer is not null) accelerator.Synchronize();
            _buffer?.Dispose();
            _buffer = accelerator.Allocate1D<T>(Math.Max(length, 1));
        }
        return _buffer.View.SubView(0, Math.Max(length, 1));
    }

    /// <summary>Uploads <paramref name="data"/> into the first elements and returns their view.</summary>
    public ArrayView<T> Upload(ReadOnlySpan<T> data)
    {
        var view = Ensure(data.Length);
        // The host copy must not overtake kernels still queued that read this buffer's old contents.
        accelerator.Synchronize();
        if (data.Length > 0) view.SubView(0, data.Length).CopyFromCPU(ref MemoryMarshal.GetReference(data), data.Length);
        return view;
    }

    public void Dispose() => _buffer?.Dispose();
}
