using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;

namespace Rnn.Kernels.Ilgpu;

/// <summary>
/// Creates a backend from the name a job or the CLI gives (<see cref="BackendNames"/>): <c>cpu</c>, <c>ilgpu-cpu</c>,
/// <c>cuda</c>, or <c>auto</c> (cuda when ILGPU finds a CUDA device, else cpu). The caller disposes the backend.
/// </summary>
public static class ComputeBackends
{
    public static IComputeBackend Create(string name, int cpuThreads = 1)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            BackendNames.Cpu => new CpuBackend(new CpuCompute(cpuThreads), ownsCompute: true),
            BackendNames.IlgpuCpu => IlgpuBackend.CreateCpu(),
            BackendNames.Cuda => IlgpuBackend.CreateCuda(),
            BackendNames.Auto => Runtime.IlgpuDevice.CudaAvailable()
                ? IlgpuBackend.CreateCuda()
                : new CpuBackend(new CpuCompute(cpuThreads), ownsCompute: true),
            _ => throw new ArgumentException($"unknown backend '{name}'; expected one of {string.Join(", ", BackendNames.All)}", nameof(name)),
        };
    }
}
