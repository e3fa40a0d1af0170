using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Backends;

/// <summary>
/// Maps between a stack's states [S,L,B,H] (PyTorch's h_n/c_n) and one layer's [S,B,H] (what a layer reads).
/// Every layer of a stack has the same cell and hidden size, so the state of layer l is at s·L·B·H + l·B·H.
/// </summary>
public readonly struct RecurrentStackShape(IReadOnlyList<RecurrentLayer> layers, int batch)
{
    public int States => layers[0].StateCount;

    public int Depth => layers.Count;

    public int BatchHidden => batch * layers[0].HiddenSize;

    public int LayerStateLength => States * BatchHidden;

    public int StackStateLength => States * Depth * BatchHidden;

    /// <summary>Offset of state s (0 = h, 1 = c) of layer l in a stack state.</summary>
    public int Offset(int state, int layer) => (state * Depth + layer) * BatchHidden;

    public void Gather(ReadOnlySpan<float> stack, int layer, Span<float> layerState)
    {
        for (var s = 0; s < States; s++)
            stack.Slice(Offset(s, layer), BatchHidden).CopyTo(layerState.Slice(s * BatchHidden, BatchHidden));
    }

    public void Scatter(ReadOnlySpan<float> layerState, int layer, Span<float> stack)
    {
        for (var s = 0; s < States; s++)
            layerState.Slice(s * BatchHidden, BatchHidden).CopyTo(stack.Slice(Offset(s, layer), BatchHidden));
    }

    public void CheckStates(int inLength, int outLength)
    {
        if (inLength < StackStateLength || outLength < StackStateLength)
            throw new ArgumentException($"stack states need [S={States},L={Depth},B·H={BatchHidden}] = {StackStateLength} floats; got {inLength} and {outLength}");
    }

    /// <summary>A stack is non-empty, of one cell type and hidden size, each layer reading the one below.</summary>
    public static void Check(IReadOnlyList<RecurrentLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("a recurrent stack needs at least one layer", nameof(layers));
        for (var l = 1; l < layers.Count; l++)
        {
            if (layers[l].GetType() != layers[0].GetType() || layers[l].HiddenSize != layers[0].HiddenSize)
                throw new ArgumentException("every layer of a stack has the same cell and hidden size", nameof(layers));
            if (layers[l].InputSize != layers[l - 1].HiddenSize)
                throw new ArgumentException($"layer {l} reads {layers[l].InputSize} features but the layer below gives {layers[l - 1].HiddenSize}", nameof(layers));
        }
    }
}
