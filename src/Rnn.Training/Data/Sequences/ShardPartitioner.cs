using Rnn.Kernels.Tensors;

namespace Rnn.Training.Data.Sequences;

/// <summary>
/// Deals a job's training sequences out to its shards: a permutation drawn from the job's seed is cut into S
/// contiguous runs whose sizes differ by at most one, and shard k owns run k. Every silo computes the same
/// partition for shard k without asking anyone, so a shard re-activated elsewhere reloads exactly its own data.
/// </summary>
public static class ShardPartitioner
{
    /// <summary>Sub-stream of the job's seed for partitions (distinct from the split's and the epochs' streams).</summary>
    private const long PartitionStream = 0x5041_5254; // "PART"

    /// <param name="trainPositions">The training split's indices into the source.</param>
    /// <param name="shards">S ≥ 1.</param>
    /// <param name="shard">k in 0..S-1.</param>
    /// <param name="seed">The job's seed.</param>
    /// <param name="source">The data's file, for the message when a shard would get nothing.</param>
    public static DataPartition Partition(IReadOnlyList<int> trainPositions, int shards, int shard, ulong seed, string source)
    {
        ArgumentNullException.ThrowIfNull(trainPositions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shards);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, shards);
        var count = trainPositions.Count;
        if (count < shards)
            throw new DataFormatException(source,
                $"the training split has {count} sequence(s), fewer than the {shards} shards, so shard {shard} would own " +
                $"no data; use at most {count} shard(s) or more data");
        var permutation = DeterministicRandom.Derive(seed, PartitionStream).Permutation(count);
        var start = (int)((long)shard * count / shards);
        var end = (int)((long)(shard + 1) * count / shards);
        var positions = new int[end - start];
        for (var i = start; i < end; i++) positions[i - start] = trainPositions[permutation[i]];
        Array.Sort(positions);
        return new DataPartition(shard, shards, positions);
    }
}
