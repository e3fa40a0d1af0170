namespace Rnn.Training.Jobs;

/// <summary>How shard gradients are combined (<c>training.mode</c>); only synchronous steps exist.</summary>
public enum TrainingMode
{
    /// <summary>Every step waits for all shards; results are bit-identical whatever the cluster.</summary>
    Sync,
}
