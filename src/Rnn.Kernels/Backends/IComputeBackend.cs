using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;

namespace Rnn.Kernels.Backends;

/// <summary>
/// A place where the kernels run (DESIGN.md §3): <c>cpu</c> (<see cref="CpuBackend"/>), <c>ilgpu-cpu</c> and
/// <c>cuda</c> (Rnn.Kernels.Ilgpu). It creates executors that take host parameters and return host results; what
/// happens in between (device buffers, kernels) is the backend's own. Layers and models are described by the
/// ordinary <see cref="RecurrentLayer"/> and <see cref="SequentialModel"/> objects, which own the parameter layout.
/// </summary>
public interface IComputeBackend : IDisposable
{
    /// <summary>The backend's name as a job names it (<see cref="BackendNames"/>).</summary>
    string Name { get; }

    /// <summary>An executor for a stack of recurrent layers, the first reading x and each next the one below.</summary>
    IRecurrentStackExecutor CreateRecurrentStack(IReadOnlyList<RecurrentLayer> layers);

    /// <summary>An executor for a whole model: forward, loss and backward of a micro-batch.</summary>
    IModelExecutor CreateModelExecutor(SequentialModel model);

    /// <summary>An Adam optimizer over <paramref name="length"/> parameters with the semantics of <see cref="AdamOptimizer"/>.</summary>
    IOptimizer CreateAdam(int length, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0);
}
