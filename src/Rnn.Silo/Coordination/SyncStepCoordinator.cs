using System.Diagnostics;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Silo.Jobs;
using Rnn.Silo.Placement;
using Rnn.Silo.Recovery;
using Rnn.Silo.Telemetry;
using Rnn.Kernels.Losses;
using Rnn.Training.Steps;
using Rnn.Training.Checkpoints;
using Rnn.Kernels.Models;
using Rnn.Silo.Configuration;

namespace Rnn.Silo.Coordination;

/// <summary>
/// The protocol of one synchronous step, run by the job grain: every shard computes and pushes step s; every
/// parameter server reduces (shard order, global loss count) and returns its squared norm; the norms are summed in
/// block order into one clip scale; every server applies it. A model of one block (up to 1 Mi parameters) takes the
/// last two in one call, ReduceAndApplyAsync, whose server computes the same clip scale from its own norm. The result
/// is bit-identical to <see cref="Trainer"/>.
/// Each call has a deadline and is asked again on timeout or a lost silo; every call is idempotent per step.
/// Calls to a parameter server that lost its state fail at once (it is not at the step's version): retrying cannot
/// help, so they propagate and the job grain rolls back to its checkpoint.
/// Snapshots are captured between two steps, when every parameter server is at the same version with no step in
/// flight and every shard has computed exactly the steps before it, so parameters, optimizer state and carried state
/// all belong to one step; a restore puts one back into every grain under the driver's generation.
/// </summary>
public sealed class SyncStepCoordinator(IGrainFactory grains, JobRuntime runtime, JobDefinition job, RnnTrainingOptions options)
    : IJobSteps
{
    private readonly SyncStepProtocol _protocol = new(runtime.Setup);

    // The one block's parameters after the last step, as its server returned them (one-silo clusters only): the next
    // step's request carries them to the shards. Used only for the version they are.
    private ParameterBlock? _nextParameters;

    private TrainingSetup Setup => runtime.Setup;

    private IShardGrain ShardGrain(int k) => GpuShardPlacement.Shard(grains, job, k);

    private IParameterServerGrain BlockGrain(int j) => grains.GetGrain<IParameterServerGrain>(GrainKeys.ParameterServer(job.JobId, j));

    /// <summary>
    /// Runs step <paramref name="step"/>; throws <see cref="TrainingFailedException"/> when the job must fail (NaN policy
    /// 'fail'); any other exception means the step was interrupted (a grain lost its state or missed its deadlines).
    /// Every step is one round of the protocol, so <paramref name="ahead"/> changes nothing here: the driver takes
    /// snapshots and evaluates itself.
    /// </summary>
    public async Task<StepRun> RunStepAsync(long step, RunAhead ahead) =>
        new(await StepAsync(step) with { CompletedUtc = DateTime.UtcNow });

    private async Task<StepMetrics> StepAsync(long step)
    {
        var clock = Stopwatch.StartNew();
        StepPhaseTrace.Mark(step, StepPhase.Started);
        var request = new ShardStepRequest(job, step) { Parameters = _nextParameters?.Version == step ? _nextParameters : null };
        _nextParameters = null;
        var barrier = new ShardBarrierClock(job.JobId);
        var reports = await Task.WhenAll(Enumerable.Range(0, Setup.Shards).Select(k => barrier.Track(k, ComputeShardAsync(k, request))));
        barrier.AllReported();
        StepPhaseTrace.Mark(step, StepPhase.Reported);

        var shardTimes = reports.OrderBy(r => r.Shard).Select(r => new ShardComputeTime(r.Shard, r.Silo, r.ComputeSeconds)).ToArray();
        var verdict = _protocol.Reduce(step, reports.Select(r =>
            new ShardGradientOutcome(r.Shard, new ShardStepResult(r.LossSum, r.LossCount, r.Correct, r.Rows), r.GradientFinite)));
        if (verdict.SkipReason is not null)
        {
            await ForEachBlockAsync(j => BlockGrain(j).SkipStepAsync(step), "skipping step");
            return _protocol.Metrics(verdict, double.NaN, clock.Elapsed.TotalSeconds, shardTimes);
        }

        using var applyPhase = PhaseTimer.Apply(job.JobId, step);
        if (runtime.Blocks.Count == 1)
        {
            // One block: its server reduces, clips and applies in one call (one grain turn and one hop fewer).
            var reduction = await ReduceBlockAsync(0, request, () =>
                BlockGrain(0).ReduceAndApplyAsync(step, Setup.Shards, verdict.LossCount, verdict.LearningRate));
            _nextParameters = reduction.Parameters;
            StepPhaseTrace.Mark(step, StepPhase.Applied);
            return _protocol.Metrics(verdict, _protocol.Clip([reduction.NormSquared]).Norm, clock.Elapsed.TotalSeconds, shardTimes);
        }
        var reductions = await Task.WhenAll(Enumerable.Range(0, runtime.Blocks.Count)
            .Select(j => ReduceBlockAsync(j, request, () => BlockGrain(j).ReduceAsync(step, Setup.Shards, verdict.LossCount))));
        var (norm, clipScale) = _protocol.Clip(reductions.OrderBy(r => r.Block).Select(r => r.NormSquared).ToArray());
        await ForEachBlockAsync(j => BlockGrain(j).ApplyAsync(step, clipScale, verdict.LearningRate), "applying step");
        StepPhaseTrace.Mark(step, StepPhase.Applied);
        return _protocol.Metrics(verdict, norm, clock.Elapsed.TotalSeconds, shardTimes);
    }

    /// <summary>The whole parameter vector at <paramref name="version"/>, gathered from every block.</summary>
    public async Task<float[]> GatherParametersAsync(long version)
    {
        var parameters = new float[runtime.Layout.TotalLength];
        var blocks = await Task.WhenAll(Enumerable.Range(0, runtime.Blocks.Count).Select(j =>
            WithDeadline(() => BlockGrain(j).GetParametersAsync(version), $"reading parameter block {j}")));
        foreach (var block in blocks) TensorBytes.ToFloats(block.Values, parameters.AsSpan(runtime.Blocks.RangeOf(block.Block)));
        return parameters;
    }

    /// <summary>Tells every shard and block the job is over; best effort, since they deactivate on their own anyway.</summary>
    public async Task ReleaseAsync()
    {
        var calls = Enumerable.Range(0, Setup.Shards).Select(k => ShardGrain(k).ReleaseAsync())
            .Concat(Enumerable.Range(0, runtime.Blocks.Count).Select(j => BlockGrain(j).ReleaseAsync()))
            .Select(t => t.WaitAsync(options.StepCallDeadline));
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // A grain on a lost silo has nothing left to release.
        }
    }

    /// <summary>Gathers the snapshot before step <paramref name="step"/> from every block and (for stream data) every shard.</summary>
    public async Task<TrainingCheckpoint> CaptureAsync(long step)
    {
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

    /// <summary>Puts <paramref name="checkpoint"/> into every parameter server and every shard under this driver's generation.</summary>
    public async Task RestoreAsync(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var blockCalls = Enumerable.Range(0, runtime.Blocks.Count).Select(j => (Task)BlockGrain(j).RestoreAsync(job,
            SnapshotBytes.ToSnapshot(j, checkpoint.Step, checkpoint.Parameters.AsSpan(runtime.Blocks.RangeOf(j)), checkpoint.BlockOptimizers[j])));
        var shardCalls = Enumerable.Range(0, runtime.Setup.Shards).Select(k =>
            ShardGrain(k).RestoreAsync(job, SnapshotBytes.ToSnapshot(k, checkpoint.Step, checkpoint.ShardStates[k])));
        await Task.WhenAll(blockCalls.Concat(shardCalls).Select(t => t.WaitAsync(options.StepCallDeadline)));
    }

    public void Dispose()
    {
        // Nothing held here: the grains keep the job's state and deactivate on their own.
    }

    private Task<ShardStepReport> ComputeShardAsync(int k, ShardStepRequest request) =>
        WithDeadline(() => ShardGrain(k).ComputeStepAsync(request), $"shard {k} computing step {request.Step}");

    /// <summary><paramref name="reduce"/> (block j's reduction) until every push is in, asking the missing shards again.</summary>
    private async Task<BlockReduction> ReduceBlockAsync(int j, ShardStepRequest request, Func<Task<BlockReduction>> reduce)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reduction = await WithDeadline(reduce, $"parameter block {j} reducing step {request.Step}");
            if (reduction.Complete) return reduction;
            if (attempt >= options.StepCallAttempts)
                throw new StepInterruptedException($"parameter block {j} never received the gradients of shards " +
                    $"{string.Join(", ", reduction.MissingShards)} for step {request.Step}");
            // A push was lost (e.g. its silo died after computing): the shard re-pushes the same bytes when asked again.
            await Task.WhenAll(reduction.MissingShards.Select(k => ComputeShardAsync(k, request)));
        }
    }

    private Task ForEachBlockAsync(Func<int, Task<long>> call, string what) =>
        Task.WhenAll(Enumerable.Range(0, runtime.Blocks.Count).Select(j => WithDeadline(() => call(j), $"{what} on block {j}")));

    /// <summary>Calls with a deadline, asking again on timeout or a lost silo, up to the configured attempts.</summary>
    private async Task<T> WithDeadline<T>(Func<Task<T>> call, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().WaitAsync(options.StepCallDeadline);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException && attempt < options.StepCallAttempts)
            {
                // Asked again: Orleans re-activates the grain on a live silo if its silo is gone.
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                throw new StepInterruptedException($"{what} failed {attempt} times (deadline {options.StepCallDeadline.TotalSeconds} s): {e.Message}", e);
            }
        }
    }
}
