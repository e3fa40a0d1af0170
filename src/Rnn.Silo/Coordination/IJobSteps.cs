using Rnn.Training.Checkpoints;
using Rnn.Training.Steps;

namespace Rnn.Silo.Coordination;

/// <summary>
/// Where a job's steps run for one driver generation: across the cluster's shard and parameter-server grains
/// (<see cref="SyncStepCoordinator"/>), or inside the driver's own silo when it is the cluster's only one
/// (<see cref="InProcessSteps"/>). Both give the same bits: each is the arithmetic of the single-process Trainer.
/// </summary>
public interface IJobSteps : IDisposable
{
    /// <summary>Puts a checkpoint into every part of the job under this driver's generation.</summary>
    Task RestoreAsync(TrainingCheckpoint checkpoint);

    /// <summary>
    /// Runs step <paramref name="step"/>; throws <see cref="TrainingFailedException"/> when the job must fail (NaN
    /// policy 'fail'); any other exception means the step was interrupted and the job rolls back to its checkpoint.
    /// Until <paramref name="ahead"/>'s count of steps is done the driver decides nothing that changes the steps, so
    /// they may run ahead of its calls, taking the snapshots and evaluations it names on the way; the grains'
    /// protocol does not. The step's metrics carry when it ended (<see cref="StepMetrics.CompletedUtc"/>).
    /// </summary>
    Task<StepRun> RunStepAsync(long step, RunAhead ahead);

    /// <summary>The whole parameter vector at <paramref name="version"/> (a copy the caller owns).</summary>
    Task<float[]> GatherParametersAsync(long version);

    /// <summary>The consistent snapshot before step <paramref name="step"/>: parameters, optimizer and carried state.</summary>
    Task<TrainingCheckpoint> CaptureAsync(long step);

    /// <summary>Tells every part of the job it is over; best effort.</summary>
    Task ReleaseAsync();
}
