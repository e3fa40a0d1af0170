using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace Rnn.Kernels.Ilgpu.Memory;

/// <summary>Host ↔ device copies of spans (each synchronises the accelerator's default stream).</summary>
public static class DeviceCopy
{
    public static void ToHost(ArrayView<float> source, Span<float> destination)
    {
        if (destination.Length > 0)
            source.SubView(0, destination.Length).CopyToCPU(ref MemoryMarshal.GetReference(destination), destination.Length);
    }

    public static void FromHost(ReadOnlySpan<float> source, ArrayView<float> destination)
    {
        if (source.Length > 0)
            destination.SubView(0, source.Length).CopyFromCPU(ref MemoryMarshal.GetReference(source), source.Length);
    }
}
