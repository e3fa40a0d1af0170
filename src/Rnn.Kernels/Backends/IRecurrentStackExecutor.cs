using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Backends;

/// <summary>
/// Runs a stack of L recurrent layers over a window, like torch.nn.LSTM/GRU/RNN with num_layers = L (and
/// bidirectional = True when the layers alternate forward and ..._reverse, D = 2). States are laid out as PyTorch
/// returns them: [S, L·D, B, H] with S = 1 (h) or 2 (h then c), i.e. all layers' h, then all c, each in the order
/// layer0 forward, layer0 reverse, layer1 forward, ... Optional per-sample lengths run the window as PyTorch's
/// pack_padded_sequence(enforce_sorted=False) does.
/// Activations between layers stay inside the executor (on the device for a GPU backend).
/// </summary>
public interface IRecurrentStackExecutor : IDisposable
{
    IReadOnlyList<RecurrentLayer> Layers { get; }

    /// <summary>x [T,B,I] and state0 [S,L·D,B,H] in; y [T,B,D·H] (the top level's outputs) and stateT [S,L·D,B,H] out.</summary>
    void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0, Span<float> y,
        Span<float> stateT, int steps, int batch) => Forward(parameters, x, state0, y, stateT, steps, batch, default);

    /// <summary>
    /// As above with sample b only <paramref name="lengths"/>[b] steps long (1..T, any order; empty: all T): y is zero
    /// past each length, each state is the sample's own after its last step (the reverse direction's after step 0).
    /// </summary>
    void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0, Span<float> y,
        Span<float> stateT, int steps, int batch, ReadOnlySpan<int> lengths);

    /// <summary>
    /// Backward through the last <see cref="Forward"/>: dy [T,B,D·H] and dStateT [S,L·D,B,H] in; dx [T,B,I] (an empty
    /// span skips it) and dState0 [S,L·D,B,H] out; parameter gradients are ADDED into <paramref name="gradients"/>.
    /// </summary>
    void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT, Span<float> dx,
        Span<float> dState0, Span<float> gradients);

    /// <summary>
    /// One training step with loss = Σ y (torchref's bench step): forward over x [T,B,I] from zero states, dy = 1,
    /// no gradient on the final states, backward without dx; parameter gradients are ADDED into
    /// <paramref name="gradients"/>.
    /// Only the parameters and x go in and only the gradient comes out, as for a shard: on a device, y, dy and dx
    /// never cross to the host.
    /// </summary>
    void StepWithSumLoss(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, int steps, int batch, Span<float> gradients);
}
