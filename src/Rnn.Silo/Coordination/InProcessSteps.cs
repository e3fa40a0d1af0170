using System.Diagnostics;
using System.Threading.Channels;
using Rnn.Contracts.Messages;
using Rnn.Kernels.Backends;
using Rnn.Silo.Compute;
using Rnn.Silo.Jobs;
using Rnn.Silo.Telemetry;
using Rnn.Training.Checkpoints;
using Rnn.Training.SingleProcess;
using Rnn.Training.Steps;

namespace Rnn.Silo.Coordination;

/// <summary>
/// The steps of a job whose driver's silo is the cluster's only one (local mode): every shard and parameter block
/// would live here anyway, so the driver runs them itself through the single-process <see cref="Trainer"/> (shards
/// in order, the parameter servers' reduction, clip and optimizer: the same bits) on the silo's compute executor.
/// The steps up to the driver's next decision (the run's end, or an evaluation its validation monitor may stop the run
/// at) run back to back on one compute thread, the steps' metrics handed to the driver as they end, at most
/// <see cref="HandOverInterval"/> apart, so the driver's work per step (the stream, telemetry, metrics rows) overlaps
/// the next steps instead of a shard call, a push, a reduce-and-apply call and their replies between every two. Where
/// a checkpoint or an evaluation is due the run-ahead copies the job's state and evaluates it between two steps (as
/// the Trainer does) and goes on, so the driver writes the checkpoint and logs the evaluation while the next steps
/// compute instead of the compute threads waiting for its files. Checkpoint files, evaluations, metrics, the stream
/// and recovery stay the driver's, as on a cluster; a run checkpointed here resumes on any cluster and the other way
/// round.
/// </summary>
public sealed class InProcessSteps : IJobSteps
{
    private readonly Trainer _trainer;
    private readonly ComputeExecutor _executor;
    private readonly string _jobId;
    private readonly string _silo;
    /// <summary>
    /// Snapshots a run-ahead may hold before the driver has taken them: past this many the steps wait for the driver
    /// (a slow disk), so memory does not grow by a checkpoint every few steps.
    /// </summary>
    private const int MaxPendingSnapshots = 2;

    /// <summary>
    /// The longest a run-ahead holds ended steps before handing them to the driver. Every hand-over wakes the driver's
    /// grain turn, the stream and the client's rows on the two cores the kernels use; one per step (~5 ms) woke them
    /// 200 times a second. A step with a snapshot or an evaluation, a failure and the run-ahead's end go at once. The
    /// silo's stream agents poll at this pace too when steps run in-process (RnnSiloBuilderExtensions).
    /// </summary>
    internal static readonly TimeSpan HandOverInterval = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _snapshotSlots = new(MaxPendingSnapshots, MaxPendingSnapshots);
    private readonly BackgroundJitPriority _jitPriority = new();
    private readonly CancellationTokenSource _stop = new();
    private Channel<StepRun>? _ahead;
    private Task? _pump;
    private long _aheadTo;

    private InProcessSteps(Trainer trainer, ComputeExecutor executor, string jobId, string silo)
    {
        _trainer = trainer;
        _executor = executor;
        _jobId = jobId;
        _silo = silo;
    }

    /// <summary>
    /// Whether a job's steps run in its driver's silo: the silo allows it (<see cref="Configuration.RnnTrainingOptions.InProcessSteps"/>),
    /// it is the cluster's only active silo, and the job computes on the cpu backend (an accelerator backend's
    /// executors belong to shard grains, one per device).
    /// </summary>
    public static bool Applies(bool allowed, int activeSilos, string backend) =>
        allowed && activeSilos == 1 && backend == BackendNames.Cpu;

    /// <summary>Reads every shard's partition here and builds the trainer (on the compute executor: it is heavy).</summary>
    public static async Task<InProcessSteps> CreateAsync(JobRuntimeCache runtimes, JobDefinition job, ComputeExecutor executor, string silo)
    {
        ArgumentNullException.ThrowIfNull(runtimes);
        ArgumentNullException.ThrowIfNull(job);
        var runtime = await runtimes.GetForEvaluationAsync(job);
        for (var k = 0; k < runtime.Setup.Shards; k++) runtime = await runtimes.GetForShardAsync(job, k);
        var setup = runtime.Setup;
        // All of the silo's compute threads: the shards take turns, each with every thread (same bits for any count).
        var trainer = await executor.RunAsync(() => new Trainer(setup, executor.Threads));
        return new InProcessSteps(trainer, executor, job.JobId, silo);
    }

    public Task RestoreAsync(TrainingCheckpoint checkpoint)
    {
        RequireIdle();
        return _executor.RunAsync(() => _trainer.Restore(checkpoint));
    }

    /// <summary>
    /// Step <paramref name="step"/>, with the snapshot and evaluation <paramref name="ahead"/> asks for after it. The
    /// first call starts the steps up to <see cref="RunAhead.To"/> (steps done) running back to back; later calls take
    /// theirs in order. A step that throws ends the run-ahead there and throws here, in its turn, exactly as a step run
    /// alone would.
    /// </summary>
    public async Task<StepRun> RunStepAsync(long step, RunAhead ahead)
    {
        ArgumentNullException.ThrowIfNull(ahead);
        if (_ahead is null)
        {
            RequireAt(step);
            var channel = _ahead = Channel.CreateUnbounded<StepRun>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            _aheadTo = Math.Max(ahead.To, step + 1);
            var plan = ahead with { To = _aheadTo };
            _pump = _executor.RunAsync(() => Pump(channel.Writer, plan));
        }
        StepRun run;
        try
        {
            run = await _ahead.Reader.ReadAsync();
        }
        catch (ChannelClosedException e) when (e.InnerException is { } failure)
        {
            await EndRunAheadAsync();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            throw;
        }
        if (run.Snapshot is not null) _snapshotSlots.Release();
        if (run.Metrics.Step != step)
            throw new InvalidOperationException($"the job's in-process steps produced step {run.Metrics.Step} where the driver expected {step}");
        foreach (var shard in run.Metrics.Shards) TrainingMetrics.ShardComputed(_jobId, shard.Shard, shard.Silo, shard.Seconds);
        // The last step of the run-ahead: the trainer is the driver's again (the run's end, or its monitor's decision).
        if (step + 1 == _aheadTo) await EndRunAheadAsync();
        return run;
    }

    /// <summary>
    /// On a compute thread: the steps until <paramref name="plan"/>'s count is done, or a failure, or a stop, each
    /// with the snapshot and evaluation due after it.
    /// </summary>
    private void Pump(ChannelWriter<StepRun> writer, RunAhead plan)
    {
        var held = new List<StepRun>();
        var sinceHandOver = Stopwatch.StartNew();
        try
        {
            while (_trainer.Step < plan.To && !_stop.IsCancellationRequested)
            {
                // The kernels take every core from here on: the background JIT gets only the idle moments.
                _jitPriority.Apply();
                // Stamped here: the driver takes held steps up to HandOverInterval later.
                var metrics = WithShardTimes(_trainer.RunStep()) with { CompletedUtc = DateTime.UtcNow };
                var done = _trainer.Step;
                var evaluate = plan.EvaluateAfter(done);
                TrainingCheckpoint? snapshot = null;
                if (evaluate || plan.SnapshotAfter(done))
                {
                    HandOver(writer, held, sinceHandOver); // before a wait that a slow disk can make long
                    _snapshotSlots.Wait(_stop.Token);
                    snapshot = _trainer.CreateCheckpoint();
                }
                var evaluation = evaluate ? _trainer.Evaluate() : null;
                held.Add(new StepRun(metrics, snapshot, evaluation, evaluation is null ? null : DateTime.UtcNow));
                if (snapshot is not null || sinceHandOver.Elapsed >= HandOverInterval) HandOver(writer, held, sinceHandOver);
            }
            HandOver(writer, held, sinceHandOver);
            writer.TryComplete();
        }
#pragma warning disable CA1031 // Every failure goes to the driver, which decides (fail the job or roll back).
        catch (Exception e)
#pragma warning restore CA1031
        {
            // The steps before the failure reach the driver first, as they would have one at a time.
            HandOver(writer, held, sinceHandOver);
            writer.TryComplete(e);
        }
    }

    private static void HandOver(ChannelWriter<StepRun> writer, List<StepRun> held, Stopwatch sinceHandOver)
    {
        foreach (var run in held) writer.TryWrite(run);
        held.Clear();
        sinceHandOver.Restart();
    }

    /// <summary>The step's metrics naming each shard's compute time on this silo, as a cluster's do.</summary>
    private StepMetrics WithShardTimes(StepMetrics metrics)
    {
        var shards = new ShardComputeTime[_trainer.Setup.Shards];
        for (var k = 0; k < shards.Length; k++) shards[k] = new ShardComputeTime(k, _silo, _trainer.LastShardSeconds(k));
        return metrics with { Shards = shards };
    }

    private async Task EndRunAheadAsync()
    {
        if (_pump is { } pump) await pump;
        _pump = null;
        _ahead = null;
    }

    public Task<float[]> GatherParametersAsync(long version)
    {
        RequireIdle();
        RequireAt(version);
        return Task.FromResult(_trainer.Parameters.ToArray());
    }

    public Task<TrainingCheckpoint> CaptureAsync(long step)
    {
        RequireIdle();
        RequireAt(step);
        return Task.FromResult(_trainer.CreateCheckpoint());
    }

    public Task ReleaseAsync() => Task.CompletedTask;

    /// <summary>
    /// Stops a run-ahead after its current step (a cancelled or rolled-back driver); the trainer goes once that step
    /// has ended, without the caller (a grain turn) waiting for it.
    /// </summary>
    public void Dispose()
    {
        _stop.Cancel();
        if (_pump is { } pump) pump.ContinueWith(_ => Release(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        else Release();
    }

    private void Release()
    {
        _trainer.Dispose();
        _snapshotSlots.Dispose();
        _stop.Dispose();
    }

    private void RequireIdle()
    {
        if (_pump is not null)
            throw new InvalidOperationException($"the job's in-process steps are running ahead to step {_aheadTo}");
    }

    private void RequireAt(long step)
    {
        if (step != _trainer.Step)
            throw new InvalidOperationException($"the job's in-process steps are at step {_trainer.Step}, not {step}");
    }
}
