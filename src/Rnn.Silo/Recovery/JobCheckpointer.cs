using Rnn.Contracts.Messages;
using Rnn.Training.Checkpoints;
using Rnn.Kernels.Models;
using Rnn.Silo.Compute;
using Rnn.Silo.Jobs;
using Rnn.Silo.Telemetry;

namespace Rnn.Silo.Recovery;

/// <summary>
/// Moves a job's consistent snapshots between its checkpoint folder and the driver, which captures them from and
/// restores them into the job's steps (<see cref="Coordination.IJobSteps"/>): the rollback after a fault, and the
/// start of every driver. File I/O runs on the compute executor, never on the grain's scheduler thread.
/// </summary>
public sealed class JobCheckpointer(JobRuntime runtime, JobDefinition job, RunFolder folder, ComputeExecutor executor)
{
    /// <summary>The checkpoint of a run that has not taken a step: seeded parameters, fresh optimizers, no carried state.</summary>
    public static TrainingCheckpoint Initial(JobRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var optimizers = Enumerable.Range(0, runtime.Blocks.Count)
            .Select(j => runtime.Setup.CreateOptimizer(runtime.Blocks.Length(j)).ExportState()).ToArray();
        return new TrainingCheckpoint(runtime.Job.Name, 0, runtime.InitialParameters.ToArray(), optimizers,
            new CarriedState?[runtime.Setup.Shards]);
    }

    public async Task WriteAsync(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var span = TrainingTracing.StartCheckpoint(job.JobId, checkpoint.Step, "write");
        await executor.RunAsync(() => CheckpointStore.Write(folder.CheckpointFolder, checkpoint, runtime.Layout, runtime.Blocks));
    }

    /// <summary>The folder's checkpoint; <see cref="InvalidDataException"/> when it does not fit the job (a damaged folder).</summary>
    public async Task<TrainingCheckpoint> ReadAsync()
    {
        var checkpoint = await executor.RunAsync(() => CheckpointStore.Read(folder.CheckpointFolder, runtime.Layout));
        if (checkpoint.Parameters.Length != runtime.Layout.TotalLength || checkpoint.BlockOptimizers.Count != runtime.Blocks.Count
            || checkpoint.ShardStates.Count != runtime.Setup.Shards)
            throw new InvalidDataException($"the checkpoint in {folder.CheckpointFolder} holds {checkpoint.Parameters.Length} parameters in " +
                $"{checkpoint.BlockOptimizers.Count} blocks and {checkpoint.ShardStates.Count} shards; job '{runtime.Job.Name}' has " +
                $"{runtime.Layout.TotalLength}, {runtime.Blocks.Count} and {runtime.Setup.Shards}");
        return checkpoint;
    }
}
