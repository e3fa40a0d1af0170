using System.Diagnostics.CodeAnalysis;
using Rnn.Training.Jobs;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Layers;

namespace Rnn.Silo.Placement;

/// <summary>
/// The backend a submitted job runs on, fixed once at submission (and kept in run.json) so that a run's numerics never
/// change with the silos that come and go: <c>cpu</c> and <c>ilgpu-cpu</c> as asked; <c>cuda</c> only while at least
/// one active silo advertises <c>gpu=true</c>; <c>auto</c> is <c>cuda</c> when such a silo exists and the model runs
/// on the GPU backend, else <c>cpu</c>.
/// </summary>
public static class JobBackendChoice
{
    /// <summary>
    /// True with the <paramref name="backend"/> to run; false with the <paramref name="refusal"/> (for the
    /// <c>backend</c> field) when the job cannot run as asked.
    /// </summary>
    public static bool TryResolve(JobSpec spec, int gpuSilos, int activeSilos,
        [NotNullWhen(true)] out string? backend, [NotNullWhen(false)] out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var unsupported = GpuUnsupported(spec);
        (backend, refusal) = spec.Backend switch
        {
            BackendNames.Auto => (gpuSilos > 0 && unsupported is null ? BackendNames.Cuda : BackendNames.Cpu, null),
            BackendNames.IlgpuCpu or BackendNames.Cuda when unsupported is not null =>
                (null, $"\"{spec.Backend}\" {unsupported}; use \"cpu\" or \"auto\""),
            BackendNames.Cuda when gpuSilos == 0 =>
                (null, $"\"cuda\" needs a GPU silo; none of the {activeSilos} active silos advertises gpu=true " +
                    "(a silo does when ILGPU finds a CUDA device at its start); use \"cpu\" or \"auto\""),
            _ => ((string?)spec.Backend, (string?)null),
        };
        return refusal is null;
    }

    /// <summary>Why the GPU executor cannot run this model, or null when it can.</summary>
    private static string? GpuUnsupported(JobSpec spec)
    {
        if (spec.Data.Kind == DataKinds.Text) return "does not run token (embedding) models yet";
        var layer = spec.Model.Layers.FirstOrDefault(l => l.Type is LayerTypes.Embedding or LayerTypes.Dropout);
        if (layer is not null) return $"does not run {layer.Type} layers yet";
        // The GPU kernels write the two directions side by side (concat); the element-wise merges are CPU only.
        var index = spec.Model.Layers.ToList().FindIndex(l => l.Bidirectional && l.Merge != BidirectionalMerge.Concat);
        return index < 0 ? null
            : $"does not join a bidirectional layer's two directions by '{MergeModeNames.NameOf(spec.Model.Layers[index].Merge)}' " +
              $"(model.layers[{index}].merge_mode), only by concat";
    }
}
