using Rnn.Kernels.Jobs;

namespace Rnn.Silo.Placement;

/// <summary>
/// The backend a submitted job runs on, fixed once at submission (and kept in run.json) so that a run's numerics never
/// change with the silos that come and go: <c>cpu</c> and <c>ilgpu-cpu</c> as asked; <c>cuda</c> only while at least
/// one active silo advertises <c>gpu=true</c>; <c>auto</c> is <c>cuda</c> when such a silo exists and the model runs
/// on the GPU backend, else <c>cpu</c>.
/// </summary>
public static class JobBackendChoice
{
    /// <summary>The backend, or the reason the job cannot run as asked (for the <c>backend</c> field).</summary>
    public static (string? Backend, string? Refusal) Resolve(JobSpec spec, int gpuSilos, int activeSilos)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var unsupported = GpuUnsupported(spec);
        switch (spec.Backend)
        {
            case BackendNames.Cpu:
                return (BackendNames.Cpu, null);
            case BackendNames.Auto:
                return (gpuSilos > 0 && unsupported is null ? BackendNames.Cuda : BackendNames.Cpu, null);
            case BackendNames.IlgpuCpu or BackendNames.Cuda when unsupported is not null:
                return (null, $"\"{spec.Backend}\" {unsupported}; use \"cpu\" or \"auto\"");
            case BackendNames.Cuda when gpuSilos == 0:
                return (null, $"\"cuda\" needs a GPU silo; none of the {activeSilos} active silos advertises gpu=true " +
                    "(a silo does when ILGPU finds a CUDA device at its start); use \"cpu\" or \"auto\"");
            default:
                return (spec.Backend, null);
        }
    }

    /// <summary>Why the GPU executor cannot run this model, or null when it can.</summary>
    private static string? GpuUnsupported(JobSpec spec)
    {
        if (spec.Data.Kind == DataKinds.Text) return "does not run token (embedding) models yet";
        var layer = spec.Model.Layers.FirstOrDefault(l => l.Type is LayerTypes.Embedding or LayerTypes.Dropout);
        return layer is null ? null : $"does not run {layer.Type} layers yet";
    }
}
