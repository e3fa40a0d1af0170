namespace Rnn.Contracts.Messages;

/// <summary>
/// Everything a parameter server holds between two steps: its block of parameters at <see cref="Version"/> and its
/// optimizer state (kind, step count, named float32 buffers such as "exp_avg"). Exported for checkpoints and imported
/// on rollback. A block is at most 4 MiB of parameters, so parameters plus Adam's two moments stay under 16 MiB.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.BlockSnapshot")]
[Immutable] // never changed after it is built: calls inside one silo pass it without a deep copy
public sealed record BlockSnapshot(
    [property: Id(0)] int Block,
    [property: Id(1)] long Version,
    [property: Id(2)] byte[] Parameters,
    [property: Id(3)] string OptimizerKind,
    [property: Id(4)] long OptimizerSteps,
    [property: Id(5)] IReadOnlyDictionary<string, byte[]> OptimizerBuffers);
