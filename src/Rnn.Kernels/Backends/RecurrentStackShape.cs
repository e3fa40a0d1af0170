using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Backends;

/// <summary>
/// Maps between a stack's states [S, L·D, B, H] (PyTorch's h_n/c_n: index k = l·D + d, layer0 forward, layer0
/// reverse, layer1 forward, ...) and one level's block state [D, S, B, H] (what a <see cref="RecurrentBlock"/> reads;
/// [S, B, H] for one direction). The layer list is in that same order: D = 2 when the second layer is a reverse one.
/// Every layer of a stack has the same cell and hidden size, so state s of layer k is at (s·L·D + k)·B·H.
/// </summary>
public readonly struct RecurrentStackShape(IReadOnlyList<RecurrentLayer> layers, int batch)
{
    public int States => layers[0].StateCount;

    /// <summary>Directions per level: 2 for a bidirectional stack, else 1.</summary>
    public int Directions => DirectionsOf(layers);

    /// <summary>Levels L (each of <see cref="Directions"/> layers).</summary>
    public int Depth => layers.Count / Directions;

    public int BatchHidden => batch * layers[0].HiddenSize;

    /// <summary>Floats of one level's block state [D, S, B, H].</summary>
    public int LayerStateLength => Directions * States * BatchHidden;

    public int StackStateLength => States * layers.Count * BatchHidden;

    /// <summary>Offset of state s (0 = h, 1 = c) of layer k (= l·D + d) in a stack state.</summary>
    public int Offset(int state, int layer) => (state * layers.Count + layer) * BatchHidden;

    public void Gather(ReadOnlySpan<float> stack, int level, Span<float> layerState)
    {
        int directions = Directions, states = States;
        for (var d = 0; d < directions; d++)
            for (var s = 0; s < states; s++)
                stack.Slice(Offset(s, level * directions + d), BatchHidden).CopyTo(layerState.Slice((d * states + s) * BatchHidden, BatchHidden));
    }

    public void Scatter(ReadOnlySpan<float> layerState, int level, Span<float> stack)
    {
        int directions = Directions, states = States;
        for (var d = 0; d < directions; d++)
            for (var s = 0; s < states; s++)
                layerState.Slice((d * states + s) * BatchHidden, BatchHidden).CopyTo(stack.Slice(Offset(s, level * directions + d), BatchHidden));
    }

    public void CheckStates(int inLength, int outLength)
    {
        if (inLength < StackStateLength || outLength < StackStateLength)
            throw new ArgumentException($"stack states need [S={States},L·D={layers.Count},B·H={BatchHidden}] = {StackStateLength} floats; got {inLength} and {outLength}");
    }

    private static int DirectionsOf(IReadOnlyList<RecurrentLayer> layers) => layers.Count > 1 && layers[1].IsReverse ? 2 : 1;

    /// <summary>
    /// A stack is non-empty, of one cell type and hidden size, in PyTorch's order (for two directions: forward,
    /// reverse per level), each level reading the one below: H wide, or 2H for two directions (concatenated).
    /// </summary>
    public static void Check(IReadOnlyList<RecurrentLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("a recurrent stack needs at least one layer", nameof(layers));
        var directions = DirectionsOf(layers);
        if (layers.Count % directions != 0)
            throw new ArgumentException($"a bidirectional stack needs a forward and a reverse layer per level; got {layers.Count} layers", nameof(layers));
        for (var k = 0; k < layers.Count; k++)
        {
            if (layers[k].GetType() != layers[0].GetType() || layers[k].HiddenSize != layers[0].HiddenSize)
                throw new ArgumentException("every layer of a stack has the same cell and hidden size", nameof(layers));
            if (layers[k].IsReverse != (k % directions == 1))
                throw new ArgumentException($"layer {k} must be a {(k % directions == 1 ? "reverse" : "forward")} layer (order: l0, l0_reverse, l1, ...)", nameof(layers));
            var level = k / directions;
            var expected = level == 0 ? layers[0].InputSize : directions * layers[0].HiddenSize;
            if (layers[k].InputSize != expected)
                throw new ArgumentException($"layer {k} reads {layers[k].InputSize} features but the layer below gives {expected}", nameof(layers));
        }
    }
}
