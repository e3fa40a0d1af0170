using Orleans.Placement;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Kernels.Backends;

namespace Rnn.Silo.Placement;

/// <summary>
/// Shards: <see cref="SpreadByIndexPlacement"/>, over the silos that advertise <c>gpu=true</c> when the activating call
/// says the job runs on <c>cuda</c> (<see cref="Shard"/>), over all compatible silos otherwise.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.GpuShardPlacement")]
public sealed class GpuShardPlacement : PlacementStrategy
{
    /// <summary>The request-context key the job's calls to its shards carry for a cuda job.</summary>
    public const string RequestKey = "rnn.needs-gpu";

    public static GpuShardPlacement Instance { get; } = new();

    /// <summary>
    /// Shard <paramref name="shard"/> of <paramref name="job"/>, for a call made right after: for a cuda job the
    /// caller's request context gets the flag that places a shard activated by that call on a GPU silo. The flag
    /// stays on the caller's context and travels with its later calls too; only this placement reads it.
    /// </summary>
    public static IShardGrain Shard(IGrainFactory grains, JobDefinition job, int shard)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(job);
        if (job.Backend == Kernels.Backends.BackendNames.Cuda) RequestContext.Set(RequestKey, true);
        return grains.GetGrain<IShardGrain>(GrainKeys.Shard(job.JobId, shard));
    }
}
