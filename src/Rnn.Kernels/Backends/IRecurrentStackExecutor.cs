using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Backends;

/// <summary>
/// Runs a stack of L recurrent layers over a window, like torch.nn.LSTM/GRU/RNN with num_layers = L. States are
/// laid out as PyTorch returns them: [S, L, B, H] with S = 1 (h) or 2 (h then c), i.e. all layers' h, then all c.
/// Activations between layers stay inside the executor (on the device for a GPU backend).
/// </summary>
public interface IRecurrentStackExecutor : IDisposable
{
    IReadOnlyList<RecurrentLayer> Layers { get; }

    /// <summary>x [T,B,I] and state0 [S,L,B,H] in; y [T,B,H] (the top layer's outputs) and stateT [S,L,B,H] out.</summary>
    void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0, Span<float> y,
        Span<float> stateT, int steps, int batch);

    /// <summary>
    /// Backward through the last <see cref="Forward"/>: dy [T,B,H] and dStateT [S,L,B,H] in; dx [T,B,I] (an empty span
    /// skips it) and dState0 [S,L,B,H] out; parameter gradients are ADDED into <paramref name="gradients"/>.
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
