using Rnn.Contracts.Messages;

namespace Rnn.Contracts.Grains;

/// <summary>
/// Block j of a job's flat parameter vector (key "{jobId}/{j}") with its optimizer state. Collects every shard's
/// gradient push for a step, sums them in shard order, and applies the clipped update when the job grain says so.
/// Every call is idempotent for a given step, so retries after a timeout are safe.
/// </summary>
[Alias("Rnn.IParameterServerGrain")]
public interface IParameterServerGrain : IGrainWithStringKey
{
    /// <summary>Sets up the block (initial parameters from the job's seed) unless already set up; returns its version.</summary>
    [Alias("Initialize")]
    Task<long> InitializeAsync(JobDefinition job);

    /// <summary>The block's parameters; fails unless the block is at <paramref name="version"/>.</summary>
    [Alias("GetParameters")]
    Task<ParameterBlock> GetParametersAsync(long version);

    /// <summary>Stores a shard's gradient sum for the current step; repeats and stale steps are ignored.</summary>
    [Alias("PushGradient")]
    Task PushGradientAsync(GradientPush push);

    /// <summary>
    /// Once all <paramref name="shards"/> pushes for <paramref name="step"/> are in: sums them in shard order, divides
    /// by <paramref name="lossCount"/> and returns the block's squared norm; otherwise names the missing shards.
    /// </summary>
    [Alias("Reduce")]
    Task<BlockReduction> ReduceAsync(long step, int shards, int lossCount);

    /// <summary>Clips the reduced gradient by <paramref name="clipScale"/> and takes the optimizer step: version step+1.</summary>
    [Alias("Apply")]
    Task<long> ApplyAsync(long step, float clipScale, double learningRate);

    /// <summary>
    /// <see cref="ReduceAsync"/> then <see cref="ApplyAsync"/> in one call, for a model of a single block: the global
    /// norm is this block's, so the server computes the clip scale itself (the same arithmetic as the coordinator's).
    /// Answers the same again for a step already applied; names the missing shards like <see cref="ReduceAsync"/>.
    /// </summary>
    [Alias("ReduceAndApply")]
    Task<BlockReduction> ReduceAndApplyAsync(long step, int shards, int lossCount, double learningRate);

    /// <summary>Drops step <paramref name="step"/>'s gradients without changing the parameters: version step+1.</summary>
    [Alias("SkipStep")]
    Task<long> SkipStepAsync(long step);

    /// <summary>
    /// The block's parameters and optimizer state at <paramref name="version"/>, for a checkpoint; fails unless the
    /// block serves <paramref name="job"/>'s run and generation at that version, so a stale driver never snapshots.
    /// </summary>
    [Alias("Export")]
    Task<BlockSnapshot> ExportAsync(JobDefinition job, long version);

    /// <summary>
    /// Replaces everything the block holds with <paramref name="snapshot"/> (a rollback to a checkpoint) and adopts
    /// <paramref name="job"/>'s generation; refused for a generation older than the one it serves. Returns the version.
    /// </summary>
    [Alias("Restore")]
    Task<long> RestoreAsync(JobDefinition job, BlockSnapshot snapshot);

    /// <summary>The address of the silo this activation runs on (diagnostics, tests).</summary>
    [Alias("GetSilo")]
    Task<string> GetSiloAsync();

    /// <summary>The job is over: drop the block and deactivate.</summary>
    [Alias("Release")]
    Task ReleaseAsync();
}
