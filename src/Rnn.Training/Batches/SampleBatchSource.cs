using Rnn.Kernels.Tensors;
using Rnn.Kernels.Models;

namespace Rnn.Training.Batches;

/// <summary>
/// Independent samples (sequence classification or forecasting windows). Shard k of S owns samples k, k+S, k+2S, …
/// of a shared set (the fixed kinds), or every sample of a set that holds only its own partition (the sequence kinds,
/// <see cref="ForPartition"/>); either way it visits them in a fresh permutation each epoch drawn from (seed, shard,
/// epoch), and every shard runs the same number of steps per epoch.
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

    private SampleBatchSource(SampleSet partition, int shard, int shardBatch, ulong seed, int stepsPerEpoch)
    {
        _samples = partition;
        _batch = shardBatch;
        _seed = seed;
        _shard = shard;
        _owned = Enumerable.Range(0, partition.Count).ToArray();
        if (partition.Count < stepsPerEpoch * shardBatch)
            throw new ArgumentException($"shard {shard} owns {partition.Count} samples, fewer than {stepsPerEpoch} steps of {shardBatch}", nameof(partition));
        StepsPerEpoch = stepsPerEpoch;
    }

    /// <summary>
    /// Shard <paramref name="shard"/>'s source over <paramref name="partition"/>, a set of only its own samples, of a
    /// training split of <paramref name="trainingSamples"/> over <paramref name="shards"/> shards.
    /// </summary>
    public static SampleBatchSource ForPartition(SampleSet partition, int trainingSamples, int shard, int shards, int shardBatch, ulong seed) =>
        new(partition, shard, shardBatch, seed, StepsPerEpochFor(trainingSamples, shards, shardBatch));

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

    public override SequenceBatch CreateBatch() => _samples.CreateBatch(_batch);

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
