using Rnn.Kernels.Ilgpu;

namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>One ILGPU CPU accelerator for the whole test run: its kernels compile once.</summary>
public sealed class IlgpuCpuFixture : IDisposable
{
    public IlgpuBackend Backend { get; } = IlgpuBackend.CreateCpu();

    public void Dispose() => Backend.Dispose();
}
