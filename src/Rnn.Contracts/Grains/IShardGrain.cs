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

    /// <summary>
    /// The shard's carried stream state before step <paramref name="nextStep"/>, for a checkpoint; fails unless the shard
    /// serves <paramref name="job"/>'s run and generation and has computed exactly the steps before it.
    /// </summary>
    [Alias("ExportState")]
    Task<ShardSnapshot> ExportStateAsync(JobDefinition job, long nextStep);

    /// <summary>
    /// Starts the shard afresh at <c>snapshot.NextStep</c> with the snapshot's carried state (a rollback to a
    /// checkpoint) under <paramref name="job"/>'s generation; refused for a generation older than the one it serves.
    /// </summary>
    [Alias("Restore")]
    Task RestoreAsync(JobDefinition job, ShardSnapshot snapshot);

    /// <summary>The address of the silo this activation runs on (diagnostics, tests).</summary>
    [Alias("GetSilo")]
    Task<string> GetSiloAsync();

    /// <summary>The job is over: drop the shard's data and deactivate.</summary>
    [Alias("Release")]
    Task ReleaseAsync();
}
