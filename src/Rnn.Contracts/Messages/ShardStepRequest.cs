namespace Rnn.Contracts.Messages;

/// <summary>Compute step <see cref="Step"/> with the parameters of version <see cref="Step"/> (pulled from the blocks).</summary>
[GenerateSerializer]
[Alias("Rnn.ShardStepRequest")]
public sealed record ShardStepRequest([property: Id(0)] JobDefinition Job, [property: Id(1)] long Step);
