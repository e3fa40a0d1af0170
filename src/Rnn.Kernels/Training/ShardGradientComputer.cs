using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Training;

/// <summary>
/// The work of one shard for one step: fill its micro-batch for the step, forward (from its carried state for
/// stream data), loss, backward. Produces the gradient SUM over its samples; the caller divides by the global count
/// after summing shards in order. Used alike by the single-process trainer and the distributed shard grains.
/// </summary>
public sealed class ShardGradientComputer
{
    private readonly SequentialModel _model;
    private readonly ShardBatchSource _source;
    private readonly LossKind _loss;
    private readonly SequenceBatch _batch;
    private readonly ulong _seed;
    private readonly int _shard;
    private float[] _dOutput = [];

    public ShardGradientComputer(SequentialModel model, ShardBatchSource source, LossKind loss, ulong seed, int shard)
    {
        _model = model;
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

    /// <summary>Replaces the carried state, e.g. from a checkpoint.</summary>
    public void RestoreState(CarriedState? state) => State = state?.Clone();

    public ShardStepResult Compute(ReadOnlySpan<float> parameters, long step, Span<float> gradientSum)
    {
        _source.Fill(step, _batch);
        if (State is not null && _source.StartsStreams(step)) State.Reset();
        var dropoutSeed = DeterministicRandom.Derive(_seed, 200, _shard, step).NextUInt64();
        var output = _model.Forward(parameters, _batch.Features, _batch.Tokens, _batch.Steps, _batch.Batch, State,
            training: true, dropoutSeed);
        var rows = _model.SequenceOutput ? _batch.Steps * _batch.Batch : _batch.Batch;
        if (_dOutput.Length < output.Length) _dOutput = new float[output.Length];
        var dOutput = _dOutput.AsSpan(0, output.Length);
        var result = LossHead.Apply(_loss, output, rows, _model.OutputSize, _batch, dOutput);
        gradientSum.Clear();
        _model.Backward(parameters, dOutput, gradientSum);
        return result;
    }
}
