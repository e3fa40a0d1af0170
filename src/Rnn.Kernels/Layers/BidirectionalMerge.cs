namespace Rnn.Kernels.Layers;

/// <summary>
/// How a bidirectional layer joins its two directions' outputs (Keras Bidirectional merge_mode): concat gives
/// [forward, reverse] (2H wide, PyTorch's only mode), the others combine them element by element (H wide).
/// </summary>
public enum BidirectionalMerge
{
    Concat,
    Sum,
    Multiply,
    Average,
}
