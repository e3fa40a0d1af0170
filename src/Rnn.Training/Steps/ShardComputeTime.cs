namespace Rnn.Training.Steps;

/// <summary>How long one shard's forward and backward took in a step and which silo ran it: names the straggler.</summary>
[GenerateSerializer]
[Alias("Rnn.ShardComputeTime")]
public sealed record ShardComputeTime(
    [property: Id(0)] int Shard,
    [property: Id(1)] string Silo,
    [property: Id(2)] double Seconds);
