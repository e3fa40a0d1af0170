using Rnn.Contracts.Messages;

namespace Rnn.Contracts.Grains;

/// <summary>
/// Data shard k of a job (key "{jobId}/{k}"): owns its slice of the data and its streams' carried state, and for each
/// step pulls the parameters, computes its gradient sum on its silo's compute executor and pushes it, block by block,
/// to the parameter servers.
/// </summary>
[Alias("Rnn.IShardGrain")]
public interface IShardGrain : IGrainWithStringKey
{
    /// <summary>Computes and pushes step <c>request.Step</c>; asked again for the same step, re-pushes the same result.</summary>
    [Alias("ComputeStep")]
    Task<ShardStepReport> ComputeStepAsync(ShardStepRequest request);

    /// <summary>The job is over: drop the shard's data and deactivate.</summary>
    [Alias("Release")]
    Task ReleaseAsync();
}
