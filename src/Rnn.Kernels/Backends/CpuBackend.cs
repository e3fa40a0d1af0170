using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;

namespace Rnn.Kernels.Backends;

/// <summary>
/// The <c>cpu</c> backend: thin adapters over the existing layers, model and optimizer, so the CPU path runs exactly
/// the code it ran before the backend abstraction existed. Layers and models passed in must have been built on the
/// same <see cref="CpuCompute"/> (they carry it); the backend disposes the compute only when it owns it.
/// </summary>
public sealed class CpuBackend(CpuCompute compute, bool ownsCompute = false) : IComputeBackend
{
    public string Name => BackendNames.Cpu;

    public CpuCompute Compute { get; } = compute;

    public IRecurrentStackExecutor CreateRecurrentStack(IReadOnlyList<RecurrentLayer> layers) =>
        new CpuRecurrentStackExecutor(layers);

    public IModelExecutor CreateModelExecutor(SequentialModel model) => new CpuModelExecutor(model);

    public IOptimizer CreateAdam(int length, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 0) => new AdamOptimizer(length, beta1, beta2, epsilon, weightDecay);

    public void Dispose()
    {
        if (ownsCompute) Compute.Dispose();
    }
}
