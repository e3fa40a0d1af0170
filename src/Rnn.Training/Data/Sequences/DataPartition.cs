namespace Rnn.Training.Data.Sequences;

/// <summary>
/// The sequences one shard owns: <see cref="Positions"/> are indices into the source (ascending, so a memory-mapped
/// reader walks the file forwards). Fixed by (seed, shard count, shard) alone, never by the silos that host them.
/// </summary>
public sealed record DataPartition(int Shard, int Shards, int[] Positions);
