namespace Rnn.Contracts.Messages;

/// <summary>
/// Shard <see cref="Shard"/>'s gradient SUM (not mean) for one parameter block at step <see cref="Step"/>, as
/// little-endian float32 bytes (<see cref="TensorBytes"/>). Keyed by (shard, step, block): pushing it twice is harmless.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.GradientPush")]
[Immutable] // never changed after it is built: calls inside one silo pass it without a deep copy
public sealed record GradientPush(
    [property: Id(0)] int Shard,
    [property: Id(1)] long Step,
    [property: Id(2)] int Block,
    [property: Id(3)] byte[] Gradient)
{
    /// <summary>The run generation the shard computed under (<see cref="JobDefinition.Generation"/>); pushes of another are ignored.</summary>
    [Id(4)] public long Generation { get; init; }
}
