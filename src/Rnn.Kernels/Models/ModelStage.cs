namespace Rnn.Kernels.Models;

/// <summary>
/// One layer of a <see cref="SequentialModel"/> as other backends read it: the layer object (RecurrentLayer,
/// DenseLayer, DropoutLayer or EmbeddingLayer), whether it reads and writes a sequence ([T·B, F]) or one row per
/// stream ([B, F]), and its output width.
/// </summary>
public sealed record ModelStage(object Layer, bool SequenceIn, bool SequenceOut, int OutputSize);
