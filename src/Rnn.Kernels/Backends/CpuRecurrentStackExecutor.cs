using Rnn.Kernels.Layers;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Backends;

/// <summary>
/// The CPU stack: each layer's own Forward/Backward, with the layer outputs and the per-layer state slices kept in
/// buffers reused across calls. States are [S,L,B,H] (see <see cref="IRecurrentStackExecutor"/>).
/// </summary>
public sealed class CpuRecurrentStackExecutor : IRecurrentStackExecutor
{
    private readonly float[][] _outputs;
    private readonly float[][] _inputGradients;
    private float[] _state = [], _stateOut = [], _sumLoss = [], _sumLossStates = [];
    private int _steps, _batch;

    public CpuRecurrentStackExecutor(IReadOnlyList<RecurrentLayer> layers)
    {
        RecurrentStackShape.Check(layers);
        Layers = layers;
        _outputs = new float[layers.Count][];
        _inputGradients = new float[layers.Count][];
    }

    public IReadOnlyList<RecurrentLayer> Layers { get; }

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch)
    {
        var shape = new RecurrentStackShape(Layers, batch);
        shape.CheckStates(state0.Length, stateT.Length);
        _steps = steps;
        _batch = batch;
        _state = Grow(_state, shape.LayerStateLength);
        _stateOut = Grow(_stateOut, shape.LayerStateLength);
        ReadOnlySpan<float> current = x;
        for (var l = 0; l < Layers.Count; l++)
        {
            var output = _outputs[l] = Grow(_outputs[l], steps * batch * Layers[l].HiddenSize);
            shape.Gather(state0, l, _state);
            Layers[l].Forward(parameters, current, _state, output, _stateOut, steps, batch);
            shape.Scatter(_stateOut, l, stateT);
            current = output;
        }
        current[..(steps * batch * Layers[^1].HiddenSize)].CopyTo(y);
    }

    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        var shape = new RecurrentStackShape(Layers, _batch);
        shape.CheckStates(dStateT.Length, dState0.Length);
        ReadOnlySpan<float> current = dy;
        for (var l = Layers.Count - 1; l >= 0; l--)
        {
            var length = _steps * _batch * Layers[l].InputSize;
            var inputGradient = l == 0 ? (dx.IsEmpty ? dx : dx[..length]) : (_inputGradients[l] = Grow(_inputGradients[l], length)).AsSpan(0, length);
            shape.Gather(dStateT, l, _state);
            Layers[l].Backward(parameters, current, _state, inputGradient, _stateOut, gradients);
            shape.Scatter(_stateOut, l, dState0);
            current = inputGradient;
        }
    }

    public void StepWithSumLoss(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, int steps, int batch,
        Span<float> gradients)
    {
        var shape = new RecurrentStackShape(Layers, batch);
        var outputs = steps * batch * Layers[^1].HiddenSize;
        // One scratch holds y, then dy = 1; another the zero initial and final states (then dState0).
        _sumLoss = Grow(_sumLoss, outputs);
        _sumLossStates = Grow(_sumLossStates, 2 * shape.StackStateLength);
        var states = _sumLossStates.AsSpan(0, 2 * shape.StackStateLength);
        var zero = states[..shape.StackStateLength];
        var final = states[shape.StackStateLength..];
        zero.Clear();
        Forward(parameters, x, zero, _sumLoss.AsSpan(0, outputs), final, steps, batch);
        _sumLoss.AsSpan(0, outputs).Fill(1f);
        final.Clear();
        Backward(parameters, _sumLoss.AsSpan(0, outputs), final, [], zero, gradients);
    }

    public void Dispose()
    {
    }

}
