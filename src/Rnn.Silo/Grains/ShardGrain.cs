using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Ilgpu;
using Rnn.Training.Jobs;
using Rnn.Kernels.Optimizers;
using Rnn.Silo.Compute;
using Rnn.Silo.Jobs;
using Rnn.Silo.Placement;
using Rnn.Silo.Recovery;
using Rnn.Silo.Telemetry;
using Rnn.Training.Steps;
using Rnn.Silo.Configuration;

namespace Rnn.Silo.Grains;

/// <summary>
/// Shard k of a job: pulls the parameters of version s from every block, runs forward and backward on its
/// micro-batch on the silo's compute executor, and pushes its gradient sum block by block. It keeps the last step's
/// result, so a repeated request for the same step (a retry after a deadline) re-pushes the same bytes instead of
/// computing again, which would advance carried stream state twice.
/// For stream data (carried state) the shard must compute its steps in order from a known state: a shard that lost
/// its state (re-activated on another silo) or is asked out of order fails the request, and the job grain rolls
/// every grain back to the last checkpoint. Shards of independent samples have no such state and simply carry on.
/// A job on another backend than cpu (ilgpu-cpu, cuda) gets its forward and backward from that backend's executor,
/// one backend per shard (an accelerator is not shared between threads).
/// </summary>
[GpuShardPlacement]
public sealed class ShardGrain(ComputeExecutor executor, JobRuntimeCache runtimes, ILocalSiloDetails silo,
    IClusterMembershipService membership, IOptions<RnnTrainingOptions> options) : Grain, IShardGrain
{
    private ShardGradientComputer? _computer;
    private CpuCompute? _compute;
    private IComputeBackend? _backend;
    private JobRuntime? _runtime;
    private JobDefinition? _definition;
    // The parameters of the step being computed: the pulled block's bytes themselves when the model is one block (a
    // server's bytes of a version are never rewritten before version + 2, and inside one silo the call passes them
    // without a copy), else the shard's own array the blocks are copied into.
    private byte[] _parameters = [];
    // The gradient sums of the last two steps, as the bytes they are pushed in: step s computes into slot s & 1 and a
    // model of one block pushes that array itself. A server keeps a push until it reduces the step, and step s's
    // slot is computed into again only at step s + 2, after every server has reduced s (a retry of step s re-sends
    // the same bytes). A model of several blocks copies each block into its own two push arrays.
    private byte[][] _gradients = [];
    private byte[]?[][] _pushBytes = [];
    private ShardStepReport? _lastReport;
    private long _nextStep;

    private int Shard => GrainKeys.Parse(this.GetPrimaryKeyString()).Index;

    public async Task<ShardStepReport> ComputeStepAsync(ShardStepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        StepPhaseTrace.Mark(request.Step, StepPhase.ShardEntered);
        using var span = TrainingTracing.StartShardCompute(request.Job.JobId, Shard, silo.Name, request.Step);
        RefuseStale(request.Job);
        if (request.Job != _definition)
        {
            var runtime = await runtimes.GetForShardAsync(request.Job, Shard);
            if (runtime.Setup.TokenInput)
                throw new InvalidOperationException($"shard {Shard} has no carried state for generation {request.Job.Generation} " +
                    $"of run {request.Job.RunId} (re-activated or not restored); the job must roll back to its checkpoint");
            // Independent samples: a step's batch depends only on the step number, so a fresh shard can start anywhere.
            Start(request.Job, runtime, request.Step, null);
        }
        var r = _runtime!;
        if (_lastReport is { } last && last.Step == request.Step)
        {
            await PushAsync(request.Job, r, request.Step);
            return last;
        }
        if (r.Setup.TokenInput && request.Step != _nextStep)
            throw new InvalidOperationException($"shard {Shard} carries its streams' state to step {_nextStep}; cannot compute step {request.Step}");

        var parameters = Carried(request, r) ?? await PullParametersAsync(request.Job.JobId, r, request.Step);
        StepPhaseTrace.Mark(request.Step, StepPhase.ParametersReady);
        var (computer, gradient, step) = (_computer!, _gradients[request.Step & 1], request.Step);
        var delay = options.Value.ShardDelay.GetValueOrDefault(Shard); // tests only: a straggler on purpose
        var (result, finite, seconds) = await executor.RunAsync(() =>
        {
            var clock = Stopwatch.StartNew();
            StepPhaseTrace.Mark(step, StepPhase.ComputeStarted);
            if (delay > TimeSpan.Zero) Thread.Sleep(delay);
            var gradientSum = MemoryMarshal.Cast<byte, float>(gradient.AsSpan());
            var res = computer.Compute(MemoryMarshal.Cast<byte, float>(parameters.AsSpan()), step, gradientSum);
            var allFinite = GradientClipping.AllFinite(gradientSum);
            StepPhaseTrace.Mark(step, StepPhase.ComputeEnded);
            return (res, allFinite, clock.Elapsed.TotalSeconds);
        });
        StepPhaseTrace.Mark(step, StepPhase.ShardResumed);
        TrainingMetrics.ShardComputed(request.Job.JobId, Shard, silo.Name, seconds);
        _nextStep = step + 1;
        _lastReport = new ShardStepReport(Shard, step, result.LossSum, result.LossCount, result.Correct, result.Rows,
            finite, seconds, silo.Name);
        await PushAsync(request.Job, r, step);
        StepPhaseTrace.Mark(step, StepPhase.Pushed);
        return _lastReport;
    }

    public Task<ShardSnapshot> ExportStateAsync(JobDefinition job, long nextStep)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job != _definition || _computer is null)
            throw new InvalidOperationException($"shard {Shard} does not serve generation {job.Generation} of run {job.RunId}; it has lost its state");
        if (_nextStep != nextStep)
            throw new InvalidOperationException($"shard {Shard} is before step {_nextStep}, not {nextStep}");
        return Task.FromResult(SnapshotBytes.ToSnapshot(Shard, nextStep, _computer.State));
    }

    public async Task RestoreAsync(JobDefinition job, ShardSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(snapshot);
        RefuseStale(job);
        var runtime = await runtimes.GetForShardAsync(job, Shard);
        if (snapshot.Shard != Shard)
            throw new ArgumentException($"the snapshot of shard {snapshot.Shard} was sent to shard {Shard}", nameof(snapshot));
        Start(job, runtime, snapshot.NextStep, SnapshotBytes.CarriedState(snapshot));
    }

    public Task<string> GetSiloAsync() => Task.FromResult(silo.SiloAddress.ToString());

    public Task ReleaseAsync()
    {
        runtimes.Release(GrainKeys.Parse(this.GetPrimaryKeyString()).JobId);
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <summary>
    /// A fresh computer at <paramref name="nextStep"/> with <paramref name="carried"/> stream state; null (a step-0
    /// checkpoint) is zero state, which is what a run's first step starts from.
    /// </summary>
    private void Start(JobDefinition job, JobRuntime runtime, long nextStep, Kernels.Models.CarriedState? carried)
    {
        var shard = Shard;
        if (shard >= runtime.Setup.Shards)
            throw new ArgumentOutOfRangeException(nameof(job), $"shard {shard} does not exist; the job has {runtime.Setup.Shards}");
        DisposeKernels();
        _compute = new CpuCompute(KernelThreads(runtime.Setup.Shards));
        if (job.Backend != BackendNames.Cpu) _backend = CreateBackend(job.Backend, shard);
        var computer = _computer = _backend is { } backend
            ? runtime.Setup.CreateShardComputer(shard, _compute, backend.CreateModelExecutor)
            : runtime.Setup.CreateShardComputer(shard, _compute);
        computer.RestoreState(carried);
        // Fresh arrays for every generation: no server of a new generation holds one a previous generation pushed.
        var bytes = runtime.Layout.TotalLength * sizeof(float);
        _parameters = runtime.Blocks.Count > 1 ? new byte[bytes] : [];
        _gradients = [new byte[bytes], new byte[bytes]];
        _pushBytes = runtime.Blocks.Count > 1 ? Enumerable.Range(0, runtime.Blocks.Count).Select(_ => new byte[2][]).ToArray() : [];
        _runtime = runtime;
        _definition = job;
        _nextStep = nextStep;
        _lastReport = null;
    }

    /// <summary>
    /// The silo's share of compute threads for one shard (shard k goes to the k-th active silo modulo their number, see
    /// SpreadByIndexPlacementDirector).
    /// </summary>
    private int KernelThreads(int shards) => ShardThreadShare.PerShard(executor.Threads, shards, ActiveSilos.Count(membership));

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        DisposeKernels();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private IComputeBackend CreateBackend(string backend, int shard)
    {
        try
        {
            return ComputeBackends.Create(backend);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or DllNotFoundException or TypeInitializationException)
        {
            throw new ShardBackendException($"shard {shard} on silo {silo.Name} cannot run backend '{backend}': {e.Message}");
        }
    }

    private void DisposeKernels()
    {
        _computer?.Dispose();
        _computer = null;
        _backend?.Dispose();
        _backend = null;
        _compute?.Dispose();
        _compute = null;
    }

    /// <summary>Requests of an older generation of the run come from a driver that has since been replaced.</summary>
    private void RefuseStale(JobDefinition job)
    {
        if (_definition is { } current && current.RunId == job.RunId && current.Generation > job.Generation)
            throw new InvalidOperationException($"shard {Shard} serves generation {current.Generation}; refusing stale generation {job.Generation}");
    }

    /// <summary>The parameters the request carries (a one-block model on a one-silo cluster), or null.</summary>
    private byte[]? Carried(ShardStepRequest request, JobRuntime runtime) =>
        request.Parameters is { Block: 0 } block && block.Version == request.Step && runtime.Blocks.Count == 1
        && block.Values.Length == runtime.Layout.TotalLength * sizeof(float)
            ? _parameters = block.Values
            : null;

    /// <summary>The parameters of <paramref name="version"/> as float32 bytes (see <see cref="_parameters"/>).</summary>
    private async Task<byte[]> PullParametersAsync(string jobId, JobRuntime runtime, long version)
    {
        if (runtime.Blocks.Count == 1)
        {
            var block = await GrainFactory.GetGrain<IParameterServerGrain>(GrainKeys.ParameterServer(jobId, 0)).GetParametersAsync(version);
            if (block.Values.Length != runtime.Layout.TotalLength * sizeof(float))
                throw new InvalidOperationException($"parameter block 0 sent {block.Values.Length} bytes for {runtime.Layout.TotalLength} parameters");
            return _parameters = block.Values;
        }
        var blocks = await Task.WhenAll(Enumerable.Range(0, runtime.Blocks.Count).Select(j =>
            GrainFactory.GetGrain<IParameterServerGrain>(GrainKeys.ParameterServer(jobId, j)).GetParametersAsync(version)));
        foreach (var block in blocks)
        {
            var length = runtime.Blocks.Length(block.Block) * sizeof(float);
            if (block.Values.Length != length)
                throw new InvalidOperationException($"parameter block {block.Block} sent {block.Values.Length} bytes, not {length}");
            block.Values.CopyTo(_parameters.AsSpan(runtime.Blocks.Offset(block.Block) * sizeof(float), length));
        }
        return _parameters;
    }

    private async Task PushAsync(JobDefinition job, JobRuntime runtime, long step)
    {
        using var timer = PhaseTimer.Push(job.JobId, Shard, step);
        var gradient = _gradients[step & 1];
        await Task.WhenAll(Enumerable.Range(0, runtime.Blocks.Count).Select(j =>
            GrainFactory.GetGrain<IParameterServerGrain>(GrainKeys.ParameterServer(job.JobId, j)).PushGradientAsync(
                new GradientPush(Shard, step, j, runtime.Blocks.Count == 1 ? gradient : BlockBytes(runtime, gradient, j, step))
                {
                    Generation = job.Generation,
                })));
    }

    /// <summary>Block <paramref name="j"/> of step <paramref name="step"/>'s gradient bytes in that block's push array for the step.</summary>
    private byte[] BlockBytes(JobRuntime runtime, byte[] gradient, int j, long step)
    {
        var range = runtime.Blocks.RangeOf(j);
        var source = gradient.AsSpan(range.Start.Value * sizeof(float), runtime.Blocks.Length(j) * sizeof(float));
        ref var slot = ref _pushBytes[j][step & 1];
        if (slot?.Length != source.Length) slot = GC.AllocateUninitializedArray<byte>(source.Length);
        source.CopyTo(slot);
        return slot;
    }
}
