using Rnn.Kernels.Backends;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;
using Rnn.Kernels.Losses;
using Rnn.Training.Batches;

namespace Rnn.Training.Steps;

/// <summary>
/// The work of one shard for one step: fill its micro-batch for the step, forward (from its carried state for
/// stream data), loss, backward. Produces the gradient SUM over its samples; the caller divides by the global count
/// after summing shards in order. Used alike by the single-process trainer and the distributed shard grains.
/// Disposing it disposes its executor (a GPU executor holds device buffers).
/// </summary>
public sealed class ShardGradientComputer : IDisposable
{
    private readonly IModelExecutor _executor;
    private readonly ShardBatchSource _source;
    private readonly LossKind _loss;
    private readonly SequenceBatch _batch;
    private readonly ulong _seed;
    private readonly int _shard;

    /// <param name="executor">Where forward, loss and backward run; null for the CPU (the model itself).</param>
    public ShardGradientComputer(SequentialModel model, ShardBatchSource source, LossKind loss, ulong seed, int shard,
        IModelExecutor? executor = null)
    {
        _executor = executor ?? new CpuModelExecutor(model);
        _source = source;
        _loss = loss;
        _seed = seed;
        _shard = shard;
        _batch = source.CreateBatch();
        State = source.CarriesState ? model.CreateState(_batch.Batch) : null;
    }

    /// <summary>The streams' carried state after the last computed step (null for independent samples).</summary>
    public CarriedState? State { get; private set; }

    public ShardBatchSource Source => _source;

    /// <summary>
    /// Replaces the carried state, e.g. from a checkpoint. Null is a run's start (a checkpoint of step 0 holds no
    /// state): stream data starts from zero state.
    /// </summary>
    public void RestoreState(CarriedState? state)
    {
        if (state is not null) State = state.Clone();
        else State?.Reset();
    }

    public ShardStepResult Compute(ReadOnlySpan<float> parameters, long step, Span<float> gradientSum)
    {
        _source.Fill(step, _batch);
        if (State is not null && _source.StartsStreams(step)) State.Reset();
        var dropoutSeed = DeterministicRandom.Derive(_seed, 200, _shard, step).NextUInt64();
        return _executor.ComputeGradient(parameters, _batch, State, _loss, dropoutSeed, gradientSum);
    }

    public void Dispose() => _executor.Dispose();
}
