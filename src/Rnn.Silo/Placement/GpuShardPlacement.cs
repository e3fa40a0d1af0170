using Orleans.Placement;

namespace Rnn.Silo.Placement;

/// <summary>
/// Shards: <see cref="SpreadByIndexPlacement"/>, over the silos that advertise <c>gpu=true</c> when the activating call
/// says the job runs on <c>cuda</c> (<see cref="RequireGpu"/>), over all compatible silos otherwise.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.GpuShardPlacement")]
public sealed class GpuShardPlacement : PlacementStrategy
{
    /// <summary>The request-context key the job's calls to its shards carry for a cuda job.</summary>
    public const string RequestKey = "rnn.needs-gpu";

    public static GpuShardPlacement Instance { get; } = new();

    /// <summary>
    /// Marks the calls that follow in this async flow as coming from a job on <paramref name="backend"/>; set inside
    /// the method that makes the call, so it ends with that method.
    /// </summary>
    public static void RequireGpu(string backend)
    {
        if (backend == Kernels.Jobs.BackendNames.Cuda) RequestContext.Set(RequestKey, true);
    }
}
