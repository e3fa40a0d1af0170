using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Kernels.Optimizers;
using Rnn.Silo.Compute;
using Rnn.Silo.Jobs;
using Rnn.Silo.Placement;
using Rnn.Silo.Recovery;
using Rnn.Silo.Telemetry;
using Rnn.Training.Steps;

namespace Rnn.Silo.Grains;

/// <summary>
/// Owns block j of a job's parameters and its optimizer state. Pushes are stored per shard and summed in shard order
/// 0..S-1 only when all are in, never in arrival order, so the sum's rounding is the same wherever shards ran and
/// whatever order their messages came in. The arithmetic is <see cref="GradientAggregation"/>'s, as in the Trainer.
/// Its state lives only in memory: re-activated on another silo after a crash it comes back empty, every call but
/// <see cref="RestoreAsync"/> then fails, and the job grain rolls the whole job back to its last checkpoint.
/// </summary>
[SpreadByIndexPlacement]
public sealed class ParameterServerGrain(ComputeExecutor executor, JobRuntimeCache runtimes, ILocalSiloDetails silo)
    : Grain, IParameterServerGrain
{
    private readonly Dictionary<int, float[]> _pushes = [];
    // One receive buffer per shard, reused every step (a block's gradient is up to 4 MiB: no fresh array per push).
    private readonly Dictionary<int, float[]> _pushBuffers = [];
    private JobRuntime? _runtime;
    private JobDefinition? _definition;
    private IOptimizer? _optimizer;
    private float[] _parameters = [];
    private float[] _gradient = [];
    // The bytes of the current version's parameters, made on its first read and shared by every read of it (each
    // shard's pull, the driver's gather). Versions alternate between two arrays: a reader has copied version v's
    // bytes out before version v + 1 exists (sync steps), so v's array is only rewritten for v + 2.
    private readonly byte[]?[] _parameterBytes = new byte[2][];
    private long _parameterBytesVersion = -1;

    // Steps applied so far: the parameters are "version _version". _reducedStep is the step whose normalised gradient
    // sits in _gradient (-1 when none), with its squared norm.
    private long _version;
    private long _reducedStep = -1;
    private double _reducedNormSquared;

    /// <summary>
    /// Blocks up to this many floats are reduced and updated on the grain's own turn (well under a millisecond): the
    /// hop to a compute thread and back cost more than the arithmetic. Larger blocks go to the compute executor.
    /// </summary>
    private const int InlineWorkFloats = 1 << 18;

    private int Block => GrainKeys.Parse(this.GetPrimaryKeyString()).Index;

    public async Task<long> InitializeAsync(JobDefinition job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_runtime is not null && job == _definition) return _version;
        var runtime = await runtimes.GetAsync(job);
        var block = Block;
        if (block >= runtime.Blocks.Count)
            throw new ArgumentOutOfRangeException(nameof(job), $"block {block} does not exist; the model has {runtime.Blocks.Count}");
        var parameters = runtime.InitialParameters[runtime.Blocks.RangeOf(block)].ToArray();
        return Reset(job, runtime, parameters, runtime.Setup.CreateOptimizer(parameters.Length), version: 0);
    }

    public Task<ParameterBlock> GetParametersAsync(long version)
    {
        RequireInitialized();
        if (version != _version)
            throw new InvalidOperationException($"parameter block {Block} is at version {_version}, not {version}");
        var slot = (int)(_version & 1);
        if (_parameterBytesVersion != _version)
        {
            _parameterBytes[slot] = TensorBytes.FromFloats(_parameters, _parameterBytes[slot]);
            _parameterBytesVersion = _version;
        }
        return Task.FromResult(new ParameterBlock(Block, _version, _parameterBytes[slot]!));
    }

    public Task PushGradientAsync(GradientPush push)
    {
        ArgumentNullException.ThrowIfNull(push);
        RequireInitialized();
        // Idempotent: a push for an older step (a retry that arrives late) or a repeat for this step changes nothing.
        // A push computed under another generation (a shard still working for a dead driver) is dropped too.
        if (push.Generation != _definition!.Generation || push.Step != _version || _pushes.ContainsKey(push.Shard)
            || _reducedStep == push.Step) return Task.CompletedTask;
        var shards = _runtime!.Setup.Shards;
        if (push.Shard < 0 || push.Shard >= shards)
            throw new ArgumentOutOfRangeException(nameof(push), $"shard {push.Shard} does not exist; the job has {shards}");
        if (!_pushBuffers.TryGetValue(push.Shard, out var gradient) || gradient.Length != _parameters.Length)
            _pushBuffers[push.Shard] = gradient = new float[_parameters.Length];
        TensorBytes.ToFloats(push.Gradient, gradient);
        _pushes[push.Shard] = gradient;
        TrainingMetrics.GradientAccepted(_definition.JobId, Block, _version - push.Step);
        return Task.CompletedTask;
    }

    public async Task<BlockReduction> ReduceAsync(long step, int shards, int lossCount)
    {
        RequireInitialized();
        if (step != _version)
            throw new InvalidOperationException($"parameter block {Block} is at version {_version}; cannot reduce step {step}");
        if (_reducedStep == step) return new BlockReduction(Block, step, true, _reducedNormSquared, []);
        var missing = Enumerable.Range(0, shards).Where(k => !_pushes.ContainsKey(k)).ToArray();
        if (missing.Length > 0) return new BlockReduction(Block, step, false, 0, missing);

        var pushes = Enumerable.Range(0, shards).Select(k => _pushes[k]).ToArray();
        var gradient = _gradient;
        double norm = 0;
        await RunAsync(() =>
        {
            Array.Clear(gradient);
            foreach (var shardGradient in pushes) GradientAggregation.AddShard(gradient, shardGradient);
            GradientAggregation.Normalize(gradient, lossCount);
            norm = GradientClipping.GlobalNormSquared(gradient);
        });
        _pushes.Clear();
        _reducedStep = step;
        _reducedNormSquared = norm;
        return new BlockReduction(Block, step, true, norm, []);
    }

    public async Task<long> ApplyAsync(long step, float clipScale, double learningRate)
    {
        RequireInitialized();
        if (step == _version - 1) return _version; // already applied: a retry
        if (step != _version || _reducedStep != step)
            throw new InvalidOperationException($"parameter block {Block} at version {_version} has not reduced step {step}");
        using var span = TrainingTracing.StartBlockApply(_definition!.JobId, Block, silo.Name, step);
        var (optimizer, parameters, gradient) = (_optimizer!, _parameters, _gradient);
        await RunAsync(() => GradientAggregation.Apply(optimizer, parameters, gradient, clipScale, learningRate));
        _version = step + 1;
        _reducedStep = -1;
        return _version;
    }

    public Task<long> SkipStepAsync(long step)
    {
        RequireInitialized();
        if (step == _version - 1) return Task.FromResult(_version);
        if (step != _version)
            throw new InvalidOperationException($"parameter block {Block} is at version {_version}; cannot skip step {step}");
        _pushes.Clear();
        _reducedStep = -1;
        _version = step + 1;
        return Task.FromResult(_version);
    }

    public Task<BlockSnapshot> ExportAsync(JobDefinition job, long version)
    {
        ArgumentNullException.ThrowIfNull(job);
        RequireInitialized();
        if (job != _definition)
            throw new InvalidOperationException($"parameter block {Block} serves generation {_definition!.Generation} of run {_definition.RunId}, not generation {job.Generation} of run {job.RunId}");
        if (version != _version || _reducedStep >= 0)
            throw new InvalidOperationException($"parameter block {Block} is at version {_version}{(_reducedStep >= 0 ? " mid-step" : "")}; cannot snapshot version {version}");
        return Task.FromResult(SnapshotBytes.ToSnapshot(Block, _version, _parameters, _optimizer!.ExportState()));
    }

    public async Task<long> RestoreAsync(JobDefinition job, BlockSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_definition is { } current && current.RunId == job.RunId && current.Generation > job.Generation)
            throw new InvalidOperationException($"parameter block {Block} already serves generation {current.Generation}; refusing stale generation {job.Generation}");
        var runtime = await runtimes.GetAsync(job);
        var block = Block;
        if (snapshot.Block != block || snapshot.Parameters.Length != runtime.Blocks.Length(block) * sizeof(float))
            throw new ArgumentException($"the snapshot of block {snapshot.Block} ({snapshot.Parameters.Length} bytes) does not fit block {block}", nameof(snapshot));
        var optimizer = runtime.Setup.CreateOptimizer(runtime.Blocks.Length(block));
        optimizer.ImportState(SnapshotBytes.OptimizerState(snapshot));
        return Reset(job, runtime, SnapshotBytes.Floats(snapshot.Parameters), optimizer, snapshot.Version);
    }

    /// <summary>The block's whole state, from its initial parameters or a snapshot: nothing of a previous run survives.</summary>
    private long Reset(JobDefinition job, JobRuntime runtime, float[] parameters, IOptimizer optimizer, long version)
    {
        _parameters = parameters;
        _gradient = new float[parameters.Length];
        _optimizer = optimizer;
        _version = version;
        _parameterBytesVersion = -1;
        _reducedStep = -1;
        _pushes.Clear();
        _runtime = runtime;
        _definition = job;
        return _version;
    }

    public Task<string> GetSiloAsync() => Task.FromResult(silo.SiloAddress.ToString());

    public Task ReleaseAsync()
    {
        runtimes.Release(GrainKeys.Parse(this.GetPrimaryKeyString()).JobId);
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private Task RunAsync(Action work)
    {
        if (_parameters.Length > InlineWorkFloats) return executor.RunAsync(work);
        work();
        return Task.CompletedTask;
    }

    private void RequireInitialized()
    {
        if (_runtime is null)
            throw new InvalidOperationException($"parameter block '{this.GetPrimaryKeyString()}' is not initialised (its silo may have restarted)");
    }
}
