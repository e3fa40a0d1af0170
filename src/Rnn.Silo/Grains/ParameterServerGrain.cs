using System.Runtime.InteropServices;
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
public sealed class ParameterServerGrain(ComputeExecutor executor, JobRuntimeCache runtimes, ILocalSiloDetails silo,
    IClusterMembershipService membership)
    : Grain, IParameterServerGrain
{
    // Each shard's pushed bytes for the current step, kept as they came until the step is reduced: inside one silo
    // they are the shard's own array (passed without a copy), which the shard writes again only two steps later.
    private readonly Dictionary<int, byte[]> _pushes = [];
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
    // The last step applied and its squared norm, for a repeated ReduceAndApplyAsync.
    private long _appliedStep = -1;
    private double _appliedNormSquared;
    private SyncStepProtocol? _protocol;

    /// <summary>
    /// Blocks up to this many floats (2 MiB) are reduced and updated on the grain's own turn (about a millisecond at
    /// most): the hop to a compute thread and back cost more than the arithmetic (the character model's 357 K
    /// parameters went there before). Larger blocks go to the compute executor.
    /// </summary>
    private const int InlineWorkFloats = 1 << 19;

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
        return Task.FromResult(CurrentParameters());
    }

    /// <summary>The current version's bytes, made on first use and shared by every reader of that version.</summary>
    private ParameterBlock CurrentParameters()
    {
        var slot = (int)(_version & 1);
        if (_parameterBytesVersion != _version)
        {
            _parameterBytes[slot] = TensorBytes.FromFloats(_parameters, _parameterBytes[slot]);
            _parameterBytesVersion = _version;
        }
        return new ParameterBlock(Block, _version, _parameterBytes[slot]!);
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
        if (push.Gradient.Length != _parameters.Length * sizeof(float))
            throw new ArgumentException($"expected {_parameters.Length * sizeof(float)} bytes, got {push.Gradient.Length}", nameof(push));
        _pushes[push.Shard] = push.Gradient;
        TrainingMetrics.GradientAccepted(_definition.JobId, Block, _version - push.Step);
        return Task.CompletedTask;
    }

    public async Task<BlockReduction> ReduceAsync(long step, int shards, int lossCount)
    {
        RequireInitialized();
        if (step != _version)
            throw new InvalidOperationException($"parameter block {Block} is at version {_version}; cannot reduce step {step}");
        if (_reducedStep == step) return new BlockReduction(Block, step, true, _reducedNormSquared, []);
        if (Missing(shards) is { Length: > 0 } missing) return new BlockReduction(Block, step, false, 0, missing);

        var pushes = TakePushes(shards);
        var gradient = _gradient;
        double norm = 0;
        await RunAsync(() => norm = Reduce(gradient, pushes, lossCount));
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
        Applied(step, _reducedNormSquared);
        return _version;
    }

    public async Task<BlockReduction> ReduceAndApplyAsync(long step, int shards, int lossCount, double learningRate)
    {
        RequireInitialized();
        if (_runtime!.Blocks.Count != 1)
            throw new InvalidOperationException($"parameter block {Block} is one of {_runtime.Blocks.Count}: the clip scale needs every block's norm");
        // Already applied (a retry whose first answer was lost): the same answer again.
        if (step == _version - 1 && _appliedStep == step) return new BlockReduction(Block, step, true, _appliedNormSquared, []);
        if (step != _version)
            throw new InvalidOperationException($"parameter block {Block} is at version {_version}; cannot reduce step {step}");
        if (_reducedStep != step && Missing(shards) is { Length: > 0 } missing) return new BlockReduction(Block, step, false, 0, missing);

        using var span = TrainingTracing.StartBlockApply(_definition!.JobId, Block, silo.Name, step);
        var pushes = _reducedStep == step ? null : TakePushes(shards);
        var (optimizer, parameters, gradient, protocol) = (_optimizer!, _parameters, _gradient, _protocol!);
        var norm = _reducedNormSquared;
        // The coordinator's arithmetic for one block: the global norm from this block's squared norm, its clip scale.
        await RunAsync(() =>
        {
            if (pushes is not null) norm = Reduce(gradient, pushes, lossCount);
            var (_, clipScale) = protocol.Clip([norm]);
            GradientAggregation.Apply(optimizer, parameters, gradient, clipScale, learningRate);
        });
        Applied(step, norm);
        // On a one-silo cluster the coordinator passes the new version on to the shards with the next step (a
        // reference, no copy); across silos it would be one more transfer, so there the shards pull it.
        return new BlockReduction(Block, step, true, norm, []) { Parameters = OneSilo() ? CurrentParameters() : null };
    }

    private bool OneSilo() => ActiveSilos.Count(membership) == 1;

    private int[] Missing(int shards) => Enumerable.Range(0, shards).Where(k => !_pushes.ContainsKey(k)).ToArray();

    /// <summary>The step's pushes in shard order 0..S-1; the server forgets them (the shards' arrays are theirs again).</summary>
    private byte[][] TakePushes(int shards)
    {
        var pushes = new byte[shards][];
        for (var k = 0; k < shards; k++) pushes[k] = _pushes[k];
        _pushes.Clear();
        return pushes;
    }

    /// <summary>Sums the pushes in shard order into <paramref name="gradient"/>, divides by the loss count; the squared norm.</summary>
    private static double Reduce(float[] gradient, byte[][] pushes, int lossCount)
    {
        Array.Clear(gradient);
        foreach (var push in pushes) GradientAggregation.AddShard(gradient, MemoryMarshal.Cast<byte, float>(push.AsSpan()));
        GradientAggregation.Normalize(gradient, lossCount);
        return GradientClipping.GlobalNormSquared(gradient);
    }

    private void Applied(long step, double normSquared)
    {
        _version = step + 1;
        _reducedStep = -1;
        _appliedStep = step;
        _appliedNormSquared = normSquared;
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
        // Fresh snapshot arrays: a reader of the previous generation may still be computing from the old ones.
        _parameterBytes[0] = _parameterBytes[1] = null;
        _reducedStep = -1;
        _appliedStep = -1;
        _pushes.Clear();
        _protocol = new SyncStepProtocol(runtime.Setup);
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
