using Rnn.Kernels.Layers;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Backends;

/// <summary>
/// The CPU stack: one <see cref="RecurrentBlock"/> per level (a layer, or a forward and a reverse layer), with the
/// level outputs and the per-level state slices kept in buffers reused across calls. States are [S,L·D,B,H] (see
/// <see cref="IRecurrentStackExecutor"/>). With lengths the batch is sorted by length once per window
/// (<see cref="PackedBatchOrder"/>): x and the initial state go into that order, every layer runs only the samples
/// still running at each step, and the results go back into the caller's order.
/// </summary>
public sealed class CpuRecurrentStackExecutor : IRecurrentStackExecutor
{
    private readonly RecurrentBlock[] _blocks;
    private readonly float[][] _outputs;
    private readonly float[][] _inputGradients;
    private readonly PackedBatchOrder _order = new();
    private float[] _state = [], _stateOut = [], _sumLoss = [], _sumLossStates = [];
    private float[] _sortedX = [], _sortedStates = [], _sortedStatesOut = [], _sortedDy = [], _sortedDx = [];
    private int _steps, _batch;

    public CpuRecurrentStackExecutor(IReadOnlyList<RecurrentLayer> layers)
    {
        RecurrentStackShape.Check(layers);
        Layers = layers;
        var directions = new RecurrentStackShape(layers, 1).Directions;
        _blocks = new RecurrentBlock[layers.Count / directions];
        for (var l = 0; l < _blocks.Length; l++)
            _blocks[l] = new RecurrentBlock(layers[l * directions], directions == 2 ? layers[l * directions + 1] : null);
        _outputs = new float[_blocks.Length][];
        _inputGradients = new float[_blocks.Length][];
    }

    public IReadOnlyList<RecurrentLayer> Layers { get; }

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch) =>
        Forward(parameters, x, state0, y, stateT, steps, batch, default);

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch, ReadOnlySpan<int> lengths)
    {
        var shape = new RecurrentStackShape(Layers, batch);
        shape.CheckStates(state0.Length, stateT.Length);
        _steps = steps;
        _batch = batch;
        _order.Set(lengths, steps, batch);
        int inputs = steps * batch * Layers[0].InputSize, outputs = steps * batch * _blocks[^1].OutputSize;
        var stackStates = shape.StackStateLength;
        if (!_order.IsIdentity)
        {
            // Into length order, longest first: x [T,B,I] and state0 [S·L·D, B, H] along their batch axis.
            _sortedX = Grow(_sortedX, inputs);
            _order.Gather(x, _sortedX, steps, Layers[0].InputSize);
            x = _sortedX.AsSpan(0, inputs);
            _sortedStates = Grow(_sortedStates, stackStates);
            _order.Gather(state0, _sortedStates, stackStates / shape.BatchHidden, Layers[0].HiddenSize);
            state0 = _sortedStates.AsSpan(0, stackStates);
        }
        _sortedStatesOut = Grow(_sortedStatesOut, stackStates);
        var finalStates = _order.IsIdentity ? stateT : _sortedStatesOut.AsSpan(0, stackStates);
        _state = Grow(_state, shape.LayerStateLength);
        _stateOut = Grow(_stateOut, shape.LayerStateLength);
        ReadOnlySpan<float> current = x;
        for (var l = 0; l < _blocks.Length; l++)
        {
            var output = _outputs[l] = Grow(_outputs[l], steps * batch * _blocks[l].OutputSize);
            shape.Gather(state0, l, _state);
            _blocks[l].Forward(parameters, current, _state, output, _stateOut, steps, batch, _order.SortedLengths);
            shape.Scatter(_stateOut, l, finalStates);
            current = output;
        }
        if (_order.IsIdentity)
        {
            current[..outputs].CopyTo(y);
            return;
        }
        _order.Scatter(current[..outputs], y, steps, _blocks[^1].OutputSize);
        _order.Scatter(finalStates, stateT, stackStates / shape.BatchHidden, Layers[0].HiddenSize);
    }

    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        var shape = new RecurrentStackShape(Layers, _batch);
        shape.CheckStates(dStateT.Length, dState0.Length);
        int steps = _steps, batch = _batch, outputs = steps * batch * _blocks[^1].OutputSize;
        var stackStates = shape.StackStateLength;
        var dStates0 = dState0;
        var dInput = dx;
        if (!_order.IsIdentity)
        {
            _sortedDy = Grow(_sortedDy, outputs);
            _order.Gather(dy, _sortedDy, steps, _blocks[^1].OutputSize);
            dy = _sortedDy.AsSpan(0, outputs);
            _sortedStates = Grow(_sortedStates, stackStates);
            _order.Gather(dStateT, _sortedStates, stackStates / shape.BatchHidden, Layers[0].HiddenSize);
            dStateT = _sortedStates.AsSpan(0, stackStates);
            dStates0 = _sortedStatesOut.AsSpan(0, stackStates);
            if (!dx.IsEmpty) dInput = (_sortedDx = Grow(_sortedDx, steps * batch * Layers[0].InputSize)).AsSpan(0, steps * batch * Layers[0].InputSize);
        }
        ReadOnlySpan<float> current = dy;
        for (var l = _blocks.Length - 1; l >= 0; l--)
        {
            var length = steps * batch * _blocks[l].InputSize;
            var inputGradient = l == 0 ? (dInput.IsEmpty ? dInput : dInput[..length]) : (_inputGradients[l] = Grow(_inputGradients[l], length)).AsSpan(0, length);
            shape.Gather(dStateT, l, _state);
            _blocks[l].Backward(parameters, current, _state, inputGradient, _stateOut, gradients);
            shape.Scatter(_stateOut, l, dStates0);
            current = inputGradient;
        }
        if (_order.IsIdentity) return;
        if (!dx.IsEmpty) _order.Scatter(dInput, dx, steps, Layers[0].InputSize);
        _order.Scatter(dStates0, dState0, stackStates / shape.BatchHidden, Layers[0].HiddenSize);
    }

    public void StepWithSumLoss(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, int steps, int batch,
        Span<float> gradients)
    {
        var shape = new RecurrentStackShape(Layers, batch);
        var outputs = steps * batch * _blocks[^1].OutputSize;
        // One scratch holds y, then dy = 1; another the zero initial and final states (then dState0).
        _sumLoss = Grow(_sumLoss, outputs);
        _sumLossStates = Grow(_sumLossStates, 2 * shape.StackStateLength);
        var states = _sumLossStates.AsSpan(0, 2 * shape.StackStateLength);
        var zero = states[..shape.StackStateLength];
        var final = states[shape.StackStateLength..];
        zero.Clear();
        Forward(parameters, x, zero, _sumLoss.AsSpan(0, outputs), final, steps, batch, default);
        _sumLoss.AsSpan(0, outputs).Fill(1f);
        final.Clear();
        Backward(parameters, _sumLoss.AsSpan(0, outputs), final, [], zero, gradients);
    }

    public void Dispose()
    {
    }
}
