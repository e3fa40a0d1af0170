using Rnn.Kernels.Backends;
using Rnn.Kernels.Ilgpu.Executors;
using Rnn.Kernels.Ilgpu.Optimizers;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;

namespace Rnn.Kernels.Ilgpu;

/// <summary>
/// The ILGPU backends: <c>ilgpu-cpu</c> (ILGPU's CPU accelerator, for tests without a GPU) and <c>cuda</c> (the
/// first NVIDIA GPU, GEMMs through cuBLAS when a libcublas loads). The backend owns its device.
/// </summary>
public sealed class IlgpuBackend : IComputeBackend
{
    private IlgpuBackend(string name, IlgpuDevice device)
    {
        Name = name;
        Device = device;
    }

    public string Name { get; }

    public IlgpuDevice Device { get; }

    /// <summary>ILGPU's CPU accelerator.</summary>
    public static IlgpuBackend CreateCpu() => new(BackendNames.IlgpuCpu, IlgpuDevice.CreateCpu());

    /// <summary>The first CUDA device; throws InvalidOperationException with a clear message when there is none.</summary>
    public static IlgpuBackend CreateCuda(bool allowCuBlas = true) => new(BackendNames.Cuda, IlgpuDevice.CreateCuda(allowCuBlas));

    public IRecurrentStackExecutor CreateRecurrentStack(IReadOnlyList<RecurrentLayer> layers) =>
        new IlgpuRecurrentStackExecutor(Device, layers);

    public IModelExecutor CreateModelExecutor(SequentialModel model) => new IlgpuModelExecutor(Device, model);

    public IOptimizer CreateAdam(int length, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 0) => new IlgpuAdamOptimizer(Device, length, beta1, beta2, epsilon, weightDecay);

    public void Dispose() => Device.Dispose();
}
