namespace Rnn.Contracts.Messages;

/// <summary>
/// A shard's state between two steps: the next step it computes (its data cursor) and the carried hidden state of its
/// streams, one float32 byte array per layer (empty for jobs whose samples are independent).
/// </summary>
[GenerateSerializer]
[Alias("Rnn.ShardSnapshot")]
[Immutable] // never changed after it is built: calls inside one silo pass it without a deep copy
public sealed record ShardSnapshot(
    [property: Id(0)] int Shard,
    [property: Id(1)] long NextStep,
    [property: Id(2)] IReadOnlyList<byte[]> CarriedLayers,
    [property: Id(3)] int Streams);
