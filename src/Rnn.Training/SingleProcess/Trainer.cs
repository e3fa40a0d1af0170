using System.Diagnostics;
using Rnn.Training.Checkpoints;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Tensors;
using Rnn.Kernels.Losses;
using Rnn.Training.Steps;

namespace Rnn.Training.SingleProcess;

/// <summary>
/// Trains a job in one process with no Orleans: the S shards of the job run one after the other and their
/// gradients are combined exactly as the distributed parameter servers combine them (<see cref="GradientAggregation"/>),
/// so a single-process run and a cluster run of the same job end with the same bits.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly CpuCompute _compute;
    private readonly ShardGradientComputer[] _shards;
    private readonly IRangeOptimizer[] _optimizers;
    private readonly float[] _parameters;
    private readonly float[] _gradient;
    // One gradient array per shard when the shards run side by side, else one they take turns with.
    private readonly float[][] _shardGradients;
    // Each shard's own kernels when the shards run side by side (empty when they take turns on _compute).
    private readonly CpuCompute[] _shardComputes;
    private readonly ShardStepResult[] _shardResults;
    private readonly long[] _shardTicks;
    private readonly Action<int> _computeShard;
    private readonly ParallelUpdate _update;
    private readonly TestEvaluator _evaluator;
    private readonly SyncStepProtocol _protocol;
    private readonly ShardGradientOutcome[] _outcomes;

    public Trainer(TrainingSetup setup, int threads = 1)
    {
        Setup = setup;
        _compute = new CpuCompute(threads);
        // Several shards and threads: the shards run side by side on their share of the threads (ShardThreadShare), as
        // the shard grains of one silo do (a shard's micro-batch is often too small to split); the gradients are
        // summed in shard order after, so the bits are those of shards taking turns with every thread.
        var sideBySide = threads > 1 && setup.Shards > 1;
        _shardComputes = sideBySide
            ? Enumerable.Range(0, setup.Shards).Select(_ => new CpuCompute(ShardThreadShare.PerShard(threads, setup.Shards))).ToArray()
            : [];
        _shards = Enumerable.Range(0, setup.Shards)
            .Select(k => setup.CreateShardComputer(k, sideBySide ? _shardComputes[k] : _compute)).ToArray();
        var model = setup.CreateModel(_compute);
        Layout = model.Layout;
        _parameters = setup.InitialParameters(model);
        Blocks = new ParameterBlocks(Layout.TotalLength);
        _optimizers = Enumerable.Range(0, Blocks.Count).Select(j => setup.CreateOptimizer(Blocks.Length(j))).ToArray();
        _gradient = new float[Layout.TotalLength];
        _shardGradients = Enumerable.Range(0, sideBySide ? setup.Shards : 1).Select(_ => new float[Layout.TotalLength]).ToArray();
        _shardResults = new ShardStepResult[setup.Shards];
        _shardTicks = new long[setup.Shards];
        _computeShard = ComputeShard;
        _update = new ParallelUpdate(_compute, Blocks, _optimizers, _parameters, _gradient);
        _evaluator = new TestEvaluator(setup, _compute);
        _protocol = new SyncStepProtocol(setup);
        _outcomes = new ShardGradientOutcome[setup.Shards];
        Monitor = new ValidationMonitor(setup);
    }

    /// <summary>Best model and early stopping, decided as the job grain decides them (<see cref="Train"/> feeds it).</summary>
    public ValidationMonitor Monitor { get; }

    /// <summary>A copy of the parameters at the best monitored evaluation so far; null before one (or without validation).</summary>
    public float[]? BestParameters { get; private set; }

    public TrainingSetup Setup { get; }

    public ParameterLayout Layout { get; }

    public ParameterBlocks Blocks { get; }

    public ReadOnlySpan<float> Parameters => _parameters;

    /// <summary>Steps done so far.</summary>
    public long Step { get; private set; }

    public long TotalSteps => Setup.TotalSteps;

    /// <summary>True right after the last step of an epoch.</summary>
    public bool IsEpochEnd => Step > 0 && Step % Setup.StepsPerEpoch == 0;

    public StepMetrics RunStep()
    {
        var clock = Stopwatch.StartNew();
        var step = Step;
        if (_shardComputes.Length > 0) _compute.ParallelFor(_shards.Length, _computeShard);
        for (var k = 0; k < _shards.Length; k++)
        {
            if (_shardComputes.Length == 0) ComputeShard(k);
            var finite = _update.AddShard(ShardGradient(k), first: k == 0);
            _outcomes[k] = new ShardGradientOutcome(k, _shardResults[k], finite);
        }

        var verdict = _protocol.Reduce(step, _outcomes);
        Step++;
        if (verdict.SkipReason is not null) return _protocol.Metrics(verdict, double.NaN, clock.Elapsed.TotalSeconds, []);

        _update.Normalize(verdict.LossCount);
        double norm;
        if (!GradientAggregation.Clips(Setup.ClipNorm))
        {
            // Not clipping: the update does not wait for the norm, which only goes into the metrics.
            _update.UpdateBesideNorms(verdict.LearningRate);
            (norm, _) = _protocol.Clip(_update.BlockNormsSquared);
        }
        else
        {
            _update.Norms();
            (norm, var clipScale) = _protocol.Clip(_update.BlockNormsSquared);
            _update.Update(verdict.LearningRate, clipScale);
        }
        return _protocol.Metrics(verdict, norm, clock.Elapsed.TotalSeconds, []);
    }

    /// <summary>Shard <paramref name="k"/>'s forward and backward of the step being computed, into its gradient array.</summary>
    private void ComputeShard(int k)
    {
        var started = Stopwatch.GetTimestamp();
        _shardResults[k] = _shards[k].Compute(_parameters, Step, ShardGradient(k));
        _shardTicks[k] = Stopwatch.GetTimestamp() - started;
    }

    /// <summary>Shard <paramref name="k"/>'s gradient array: its own side by side, else the one the shards take turns with.</summary>
    private float[] ShardGradient(int k) => _shardGradients[_shardComputes.Length > 0 ? k : 0];

    /// <summary>How long shard <paramref name="k"/>'s forward and backward took in the last step (seconds).</summary>
    public double LastShardSeconds(int k) => (double)_shardTicks[k] / Stopwatch.Frequency;

    public EvaluationResult Evaluate() => _evaluator.Evaluate(_parameters);

    /// <summary>
    /// Runs the remaining steps as the cluster does: an evaluation at each scheduled point and after the last step, each
    /// given to <see cref="Monitor"/> (keeping <see cref="BestParameters"/>), stopping where it says. Returns why the
    /// run stopped early, or null when it ran every step.
    /// </summary>
    public string? Train(Action<long, EvaluationResult>? evaluated = null)
    {
        while (Step < TotalSteps)
        {
            RunStep();
            if (!ValidationMonitor.IsScheduledEvaluation(Setup.Resolved, Step) && Step != TotalSteps) continue;
            var evaluation = Evaluate();
            evaluated?.Invoke(Step, evaluation);
            var verdict = Monitor.Observe(Step, evaluation.Metrics);
            if (verdict.Improved) BestParameters = (float[])_parameters.Clone();
            if (verdict.StopReason is not null) return verdict.StopReason;
        }
        return null;
    }

    /// <summary>The carried stream state of each shard (null entries for independent samples).</summary>
    public IReadOnlyList<CarriedState?> ShardStates => _shards.Select(s => s.State).ToArray();

    /// <summary>A consistent snapshot between steps (copies; training may go on).</summary>
    public TrainingCheckpoint CreateCheckpoint() => new(Setup.Job.Name, Step, (float[])_parameters.Clone(),
        _optimizers.Select(o => o.ExportState()).ToArray(), _shards.Select(s => s.State?.Clone()).ToArray());

    /// <summary>Continues from a checkpoint exactly where it was taken.</summary>
    public void Restore(TrainingCheckpoint checkpoint)
    {
        if (checkpoint.Parameters.Length != _parameters.Length)
            throw new InvalidDataException($"the checkpoint holds {checkpoint.Parameters.Length} parameters but job '{Setup.Job.Name}' has {_parameters.Length}");
        if (checkpoint.BlockOptimizers.Count != _optimizers.Length || checkpoint.ShardStates.Count != _shards.Length)
            throw new InvalidDataException($"the checkpoint has {checkpoint.BlockOptimizers.Count} blocks and {checkpoint.ShardStates.Count} shards; the job has {_optimizers.Length} and {_shards.Length}");
        checkpoint.Parameters.CopyTo(_parameters, 0);
        for (var j = 0; j < _optimizers.Length; j++) _optimizers[j].ImportState(checkpoint.BlockOptimizers[j]);
        for (var k = 0; k < _shards.Length; k++) _shards[k].RestoreState(checkpoint.ShardStates[k]);
        Step = checkpoint.Step;
    }

    public void Dispose()
    {
        foreach (var shard in _shards) shard.Dispose();
        foreach (var compute in _shardComputes) compute.Dispose();
        _compute.Dispose();
    }
}
