using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Training.Checkpoints;
using Rnn.Kernels.Models;
using Rnn.Silo.Compute;
using Rnn.Silo.Jobs;
using Rnn.Silo.Placement;
using Rnn.Silo.Telemetry;
using Rnn.Silo.Configuration;

namespace Rnn.Silo.Recovery;

/// <summary>
/// Moves a job's consistent snapshots between its grains and its checkpoint folder. Capture runs between two steps,
/// when every parameter server is at the same version with no step in flight and every shard has computed exactly the
/// steps before it, so parameters, optimizer state and carried state all belong to one step. Restore puts a snapshot
/// back into every grain under a new generation: the rollback after a fault, and the start of every driver.
/// File I/O runs on the compute executor, never on the grain's scheduler thread.
/// </summary>
public sealed class JobCheckpointer(IGrainFactory grains, JobRuntime runtime, JobDefinition job, RunFolder folder,
    ComputeExecutor executor, RnnTrainingOptions options)
{
    private IShardGrain ShardGrain(int k) => GpuShardPlacement.Shard(grains, job, k);

    private IParameterServerGrain BlockGrain(int j) => grains.GetGrain<IParameterServerGrain>(GrainKeys.ParameterServer(job.JobId, j));

    /// <summary>The checkpoint of a run that has not taken a step: seeded parameters, fresh optimizers, no carried state.</summary>
    public static TrainingCheckpoint Initial(JobRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var optimizers = Enumerable.Range(0, runtime.Blocks.Count)
            .Select(j => runtime.Setup.CreateOptimizer(runtime.Blocks.Length(j)).ExportState()).ToArray();
        return new TrainingCheckpoint(runtime.Job.Name, 0, runtime.InitialParameters.ToArray(), optimizers,
            new CarriedState?[runtime.Setup.Shards]);
    }

    /// <summary>Gathers the snapshot before step <paramref name="step"/> from every block and (for stream data) every shard.</summary>
    public async Task<TrainingCheckpoint> CaptureAsync(long step)
    {
        using var span = TrainingTracing.StartCheckpoint(job.JobId, step, "capture");
        var blocks = await Task.WhenAll(Enumerable.Range(0, runtime.Blocks.Count).Select(j =>
            BlockGrain(j).ExportAsync(job, step).WaitAsync(options.StepCallDeadline)));
        // Shards of independent samples hold nothing but their position, which the step number already is.
        var shards = runtime.Setup.TokenInput
            ? await Task.WhenAll(Enumerable.Range(0, runtime.Setup.Shards).Select(k =>
                ShardGrain(k).ExportStateAsync(job, step).WaitAsync(options.StepCallDeadline)))
            : null;

        var parameters = new float[runtime.Layout.TotalLength];
        foreach (var block in blocks) TensorBytes.ToFloats(block.Parameters, parameters.AsSpan(runtime.Blocks.RangeOf(block.Block)));
        var optimizers = blocks.OrderBy(b => b.Block).Select(SnapshotBytes.OptimizerState).ToArray();
        var carried = shards?.OrderBy(s => s.Shard).Select(SnapshotBytes.CarriedState).ToArray()
            ?? new CarriedState?[runtime.Setup.Shards];
        return new TrainingCheckpoint(runtime.Job.Name, step, parameters, optimizers, carried);
    }

    public async Task WriteAsync(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var span = TrainingTracing.StartCheckpoint(job.JobId, checkpoint.Step, "write");
        await executor.RunAsync(() => CheckpointStore.Write(folder.CheckpointFolder, checkpoint, runtime.Layout, runtime.Blocks));
    }

    public Task<TrainingCheckpoint> ReadAsync() =>
        executor.RunAsync(() => CheckpointStore.Read(folder.CheckpointFolder, runtime.Layout));

    /// <summary>Puts <paramref name="checkpoint"/> into every parameter server and every shard under this driver's generation.</summary>
    public async Task RestoreAsync(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Parameters.Length != runtime.Layout.TotalLength || checkpoint.BlockOptimizers.Count != runtime.Blocks.Count
            || checkpoint.ShardStates.Count != runtime.Setup.Shards)
            throw new InvalidDataException($"the checkpoint in {folder.CheckpointFolder} holds {checkpoint.Parameters.Length} parameters in " +
                $"{checkpoint.BlockOptimizers.Count} blocks and {checkpoint.ShardStates.Count} shards; job '{runtime.Job.Name}' has " +
                $"{runtime.Layout.TotalLength}, {runtime.Blocks.Count} and {runtime.Setup.Shards}");
        var blockCalls = Enumerable.Range(0, runtime.Blocks.Count).Select(j => (Task)BlockGrain(j).RestoreAsync(job,
            SnapshotBytes.ToSnapshot(j, checkpoint.Step, checkpoint.Parameters.AsSpan(runtime.Blocks.RangeOf(j)), checkpoint.BlockOptimizers[j])));
        var shardCalls = Enumerable.Range(0, runtime.Setup.Shards).Select(k =>
            ShardGrain(k).RestoreAsync(job, SnapshotBytes.ToSnapshot(k, checkpoint.Step, checkpoint.ShardStates[k])));
        await Task.WhenAll(blockCalls.Concat(shardCalls).Select(t => t.WaitAsync(options.StepCallDeadline)));
    }
}
