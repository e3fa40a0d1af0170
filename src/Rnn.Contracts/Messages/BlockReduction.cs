namespace Rnn.Contracts.Messages;

/// <summary>
/// A parameter server's answer to "reduce step s": complete with the squared L2 norm of its normalised gradient
/// block, or incomplete with the shards whose pushes are missing (the job grain asks those shards again).
/// </summary>
[GenerateSerializer]
[Alias("Rnn.BlockReduction")]
public sealed record BlockReduction(
    [property: Id(0)] int Block,
    [property: Id(1)] long Step,
    [property: Id(2)] bool Complete,
    [property: Id(3)] double NormSquared,
    [property: Id(4)] IReadOnlyList<int> MissingShards)
{
    /// <summary>
    /// After ReduceAndApply on a one-silo cluster: the block's new version (step + 1), which the coordinator hands to
    /// the shards with the next step instead of each pulling it; null otherwise.
    /// </summary>
    [Id(5)] public ParameterBlock? Parameters { get; init; }
}
