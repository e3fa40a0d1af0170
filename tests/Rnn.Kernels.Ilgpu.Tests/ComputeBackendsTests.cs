using Rnn.Kernels.Backends;
using Rnn.Kernels.Ilgpu.Runtime;

namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>Backend names as jobs and the CLI give them.</summary>
public class ComputeBackendsTests
{
    [Fact]
    public void CpuNameGivesTheCpuBackend()
    {
        using var backend = ComputeBackends.Create("cpu", 1);
        Assert.IsType<CpuBackend>(backend);
        Assert.Equal("cpu", backend.Name);
    }

    [Fact]
    public void UnknownNameIsRejectedWithTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => ComputeBackends.Create("tpu"));
        Assert.Contains("ilgpu-cpu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CudaWithoutAGpuFailsClearlyAndAutoFallsBackToCpu()
    {
        if (IlgpuDevice.CudaAvailable()) return;
        var e = Assert.Throws<InvalidOperationException>(() => ComputeBackends.Create("cuda"));
        Assert.Contains("CUDA", e.Message, StringComparison.Ordinal);
        using var auto = ComputeBackends.Create("auto");
        Assert.Equal("cpu", auto.Name);
    }
}
