namespace Rnn.Contracts.Messages;

/// <summary>One block of the flat parameter vector at version <see cref="Version"/> (= steps applied), as float32 bytes.</summary>
[GenerateSerializer]
[Alias("Rnn.ParameterBlock")]
[Immutable] // never changed after it is built: calls inside one silo pass it without a deep copy
public sealed record ParameterBlock(
    [property: Id(0)] int Block,
    [property: Id(1)] long Version,
    [property: Id(2)] byte[] Values);
