namespace Rnn.Kernels.Tensors;

/// <summary>
/// The fixed split of the flat parameter vector into contiguous blocks, each owned by one parameter server. The
/// split depends only on the model, never on the cluster, so every reduction over blocks (the global gradient norm)
/// has the same order everywhere. Blocks stay well under the 16 MiB message limit.
/// </summary>
public sealed class ParameterBlocks
{
    /// <summary>1 Mi floats = 4 MiB per block on the wire.</summary>
    public const int DefaultBlockLength = 1 << 20;

    public ParameterBlocks(int totalLength, int blockLength = DefaultBlockLength)
    {
        if (totalLength < 1) throw new ArgumentOutOfRangeException(nameof(totalLength), totalLength, "the model has no parameters");
        TotalLength = totalLength;
        BlockLength = blockLength;
        Count = (totalLength + blockLength - 1) / blockLength;
    }

    public int TotalLength { get; }

    public int BlockLength { get; }

    public int Count { get; }

    public int Offset(int block) => block * BlockLength;

    public int Length(int block) => Math.Min(BlockLength, TotalLength - block * BlockLength);

    public Range RangeOf(int block) => new(Offset(block), Offset(block) + Length(block));
}
