using Rnn.Kernels.Tensors;
using Rnn.Kernels.Models;

namespace Rnn.Training.Batches;

/// <summary>
/// Independent samples (sequence classification or forecasting windows): shard k of S owns samples k, k+S, k+2S, …
/// and visits them in a fresh permutation each epoch drawn from (seed, shard, epoch).
/// </summary>
public sealed class SampleBatchSource : ShardBatchSource
{
    private readonly SampleSet _samples;
    private readonly int[] _owned;
    private readonly int _batch;
    private readonly ulong _seed;
    private readonly int _shard;
    private int[] _order = [];
    private int _orderEpoch = -1;

    public SampleBatchSource(SampleSet samples, int shard, int shards, int shardBatch, ulong seed)
    {
        _samples = samples;
        _batch = shardBatch;
        _seed = seed;
        _shard = shard;
        _owned = Enumerable.Range(0, samples.Count / shards).Select(i => i * shards + shard).ToArray();
        StepsPerEpoch = StepsPerEpochFor(samples.Count, shards, shardBatch);
    }

    /// <summary>Steps of an epoch for <paramref name="samples"/> samples; throws when a shard cannot fill one batch.</summary>
    public static int StepsPerEpochFor(int samples, int shards, int shardBatch)
    {
        var owned = samples / shards;
        var steps = owned / shardBatch;
        if (steps < 1)
            throw new ArgumentException(
                $"{samples} training samples over {shards} shards leave {owned} per shard, fewer than the per-shard batch of {shardBatch}; use a smaller batch_size or fewer shards");
        return steps;
    }

    public override int StepsPerEpoch { get; }

    public override SequenceBatch CreateBatch() =>
        new(_samples.Steps, _batch, _samples.Features, false, _batch, _samples.TargetsPerSample);

    public override void Fill(long step, SequenceBatch batch)
    {
        var epoch = EpochOf(step);
        if (epoch != _orderEpoch)
        {
            _order = DeterministicRandom.Derive(_seed, 100, _shard, epoch).Permutation(_owned.Length);
            _orderEpoch = epoch;
        }
        var first = (int)(step % StepsPerEpoch) * _batch;
        for (var b = 0; b < _batch; b++)
            _samples.CopySample(_owned[_order[first + b]], batch, b);
    }
}
