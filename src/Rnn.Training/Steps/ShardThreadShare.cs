namespace Rnn.Training.Steps;

/// <summary>
/// How a process's compute threads are shared by the shards of a job it runs side by side: each takes the threads
/// divided by the shards placed there, at least one — all of them for a lone shard, one each when there are as many
/// shards as threads. Kernel results are the same bits for any thread count, so the share never changes a bit.
/// </summary>
public static class ShardThreadShare
{
    /// <param name="threads">The process's compute threads.</param>
    /// <param name="shards">The job's shards.</param>
    /// <param name="processes">The processes the shards are spread over (shard k on the k-th modulo their number).</param>
    public static int PerShard(int threads, int shards, int processes = 1)
    {
        var here = (shards + Math.Max(1, processes) - 1) / Math.Max(1, processes);
        return Math.Max(1, threads / Math.Max(1, here));
    }
}
