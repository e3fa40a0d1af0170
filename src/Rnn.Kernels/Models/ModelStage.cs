using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Models;

/// <summary>
/// One layer of a <see cref="SequentialModel"/> as other backends read it: the layer object (RecurrentLayer,
/// DenseLayer, DropoutLayer or EmbeddingLayer), whether it reads and writes a sequence ([T·B, F]) or one row per
/// stream ([B, F]), and its output width. A bidirectional recurrent layer also names its reverse direction and how
/// the two outputs merge.
/// </summary>
public sealed record ModelStage(object Layer, bool SequenceIn, bool SequenceOut, int OutputSize,
    RecurrentLayer? ReverseLayer = null, BidirectionalMerge Merge = BidirectionalMerge.Concat);
