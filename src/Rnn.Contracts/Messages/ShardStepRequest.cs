namespace Rnn.Contracts.Messages;

/// <summary>
/// Compute step <see cref="Step"/> with the parameters of version <see cref="Step"/>: <see cref="Parameters"/> when the
/// request carries them (a one-block model on a one-silo cluster, where the block's server handed its new version to
/// the coordinator with the last step's answer), else pulled from the blocks.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.ShardStepRequest")]
[Immutable] // never changed after it is built: calls inside one silo pass it (and the parameters) without a copy
public sealed record ShardStepRequest([property: Id(0)] JobDefinition Job, [property: Id(1)] long Step)
{
    /// <summary>The whole parameter vector at version <see cref="Step"/> as block 0, or null: the shard pulls it.</summary>
    [Id(2)] public ParameterBlock? Parameters { get; init; }
}
