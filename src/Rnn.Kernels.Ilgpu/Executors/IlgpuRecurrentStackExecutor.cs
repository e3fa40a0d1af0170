using ILGPU;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Ilgpu.Layers;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Executors;

/// <summary>
/// A recurrent stack on the device: parameters, x and the [S,L·D,B,H] states are uploaded once per call, each level
/// reads the one below's output in place on the device, and only y, the states, dx and the gradient come back. With
/// lengths the batch is sorted by length on the host (<see cref="PackedBatchOrder"/>) before the upload and put back
/// in the caller's order after the download; on the device every step runs the samples still running only.
/// </summary>
public sealed class IlgpuRecurrentStackExecutor : IRecurrentStackExecutor
{
    private readonly IlgpuDevice _device;
    private readonly IlgpuRecurrentBlock[] _blocks;
    private readonly DeviceBuffer<float> _parameters, _x, _state0, _stateT, _dy, _dStateT, _dState0, _dx, _between,
        _gradients;
    private readonly PackedBatchOrder _order = new();
    private ArrayView<float> _parameterView;
    private int _steps, _batch, _parameterLength;
    private float[] _gradientHost = [], _sorted = [], _sortedStates = [];

    public IlgpuRecurrentStackExecutor(IlgpuDevice device, IReadOnlyList<RecurrentLayer> layers)
    {
        RecurrentStackShape.Check(layers);
        _device = device;
        Layers = layers;
        var directions = new RecurrentStackShape(layers, 1).Directions;
        _blocks = new IlgpuRecurrentBlock[layers.Count / directions];
        for (var l = 0; l < _blocks.Length; l++)
            _blocks[l] = new IlgpuRecurrentBlock(device, layers[l * directions], directions == 2 ? layers[l * directions + 1] : null);
        var a = device.Accelerator;
        (_parameters, _x, _state0, _stateT, _dy) = (new(a), new(a), new(a), new(a), new(a));
        (_dStateT, _dState0, _dx, _between, _gradients) = (new(a), new(a), new(a), new(a), new(a));
    }

    public IReadOnlyList<RecurrentLayer> Layers { get; }

    private int OutputWidth => _blocks[^1].Directions * Layers[0].HiddenSize;

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch) =>
        Forward(parameters, x, state0, y, stateT, steps, batch, default);

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch, ReadOnlySpan<int> lengths)
    {
        _device.BindToCurrentThread();
        var shape = new RecurrentStackShape(Layers, batch);
        shape.CheckStates(state0.Length, stateT.Length);
        _order.Set(lengths, steps, batch);
        int states = shape.StackStateLength, stateBlocks = states / shape.BatchHidden, hs = Layers[0].HiddenSize;
        var s0 = _state0.Upload(Sorted(state0[..states], stateBlocks, hs, ref _sortedStates));
        var (output, sT) = RunForward(shape, parameters, Sorted(x[..(steps * batch * Layers[0].InputSize)], steps, Layers[0].InputSize, ref _sorted), s0, steps, batch);
        Download(output, y, steps, OutputWidth);
        Download(sT, stateT, stateBlocks, hs);
    }

    public void StepWithSumLoss(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, int steps, int batch,
        Span<float> gradients)
    {
        _device.BindToCurrentThread();
        var shape = new RecurrentStackShape(Layers, batch);
        _order.Set(default, steps, batch);
        var s0 = _state0.Ensure(shape.StackStateLength);
        _device.Kernels.Zero(s0, shape.StackStateLength);
        RunForward(shape, parameters, x, s0, steps, batch);
        var outputs = steps * batch * OutputWidth;
        var dy = _dy.Ensure(outputs);
        _device.Kernels.Fill(dy, 1f, outputs);
        var dsT = _dStateT.Ensure(shape.StackStateLength);
        _device.Kernels.Zero(dsT, shape.StackStateLength);
        RunBackward(shape, dy, dsT, gradients, inputGradient: false);
    }

    private (ArrayView<float> Output, ArrayView<float> StateT) RunForward(RecurrentStackShape shape,
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ArrayView<float> s0, int steps, int batch)
    {
        (_steps, _batch, _parameterLength) = (steps, batch, parameters.Length);
        _parameterView = _parameters.Upload(parameters);
        var current = _x.Upload(x[..(steps * batch * Layers[0].InputSize)]);
        var sT = _stateT.Ensure(shape.StackStateLength);
        for (var l = 0; l < _blocks.Length; l++)
        {
            _blocks[l].Forward(_parameterView, current, States(shape, s0, sT, l, 0), States(shape, s0, sT, l, 1),
                steps, batch, _order.SortedLengths);
            current = _blocks[l].Output;
        }
        return (current, sT);
    }

    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        _device.BindToCurrentThread();
        var shape = new RecurrentStackShape(Layers, _batch);
        shape.CheckStates(dStateT.Length, dState0.Length);
        if (parameters.Length != _parameterLength) throw new ArgumentException("parameters differ in length from the forward's", nameof(parameters));
        int states = shape.StackStateLength, stateBlocks = states / shape.BatchHidden, hs = Layers[0].HiddenSize;
        var dyView = _dy.Upload(Sorted(dy[..(_steps * _batch * OutputWidth)], _steps, OutputWidth, ref _sorted));
        var dsT = _dStateT.Upload(Sorted(dStateT[..states], stateBlocks, hs, ref _sortedStates));
        var (dxView, ds0) = RunBackward(shape, dyView, dsT, gradients, inputGradient: !dx.IsEmpty);
        if (!dx.IsEmpty) Download(dxView, dx, _steps, Layers[0].InputSize);
        Download(ds0, dState0, stateBlocks, hs);
    }

    /// <summary>
    /// Backward through the stack on the device; adds the gradient into the host span, returns dx (empty without
    /// <paramref name="inputGradient"/>: the bottom layer then skips its dx GEMM) and dState0.
    /// </summary>
    private (ArrayView<float> Dx, ArrayView<float> DState0) RunBackward(RecurrentStackShape shape, ArrayView<float> dy,
        ArrayView<float> dsT, Span<float> gradients, bool inputGradient)
    {
        var rows = _steps * _batch;
        var grad = _gradients.Ensure(_parameterLength);
        _device.Kernels.Zero(grad, _parameterLength);
        var current = dy;
        var ds0 = _dState0.Ensure(shape.StackStateLength);
        // Each level's dx must not alias its dy: alternate between two buffers below the top.
        var buffers = new[] { _dx, _between };
        for (var l = _blocks.Length - 1; l >= 0; l--)
        {
            var dxView = l == 0 && !inputGradient ? default : buffers[l % 2].Ensure((long)rows * _blocks[l].ForwardLayer.Descriptor.InputSize);
            _blocks[l].Backward(_parameterView, current, States(shape, ds0, dsT, l, 0), States(shape, ds0, dsT, l, 1), dxView, grad);
            current = dxView;
        }
        if (_gradientHost.Length < _parameterLength) _gradientHost = new float[_parameterLength];
        DeviceCopy.ToHost(grad, _gradientHost.AsSpan(0, _parameterLength));
        for (var i = 0; i < _parameterLength; i++) gradients[i] += _gradientHost[i];
        return (current, ds0);
    }

    /// <summary>Direction d of level l: its (h, c) views in the initial and final stack states (layer k = l·D + d).</summary>
    private DirectionStates States(RecurrentStackShape shape, ArrayView<float> initial, ArrayView<float> final, int level, int direction)
    {
        if (direction >= _blocks[level].Directions) return default;
        var k = level * _blocks[level].Directions + direction;
        ArrayView<float> C(ArrayView<float> stack) => shape.States == 2 ? stack.SubView(shape.Offset(1, k), shape.BatchHidden) : default;
        return new DirectionStates(initial.SubView(shape.Offset(0, k), shape.BatchHidden), C(initial),
            final.SubView(shape.Offset(0, k), shape.BatchHidden), C(final));
    }

    /// <summary>A host tensor [blocks, B, width] in length order (itself when no lengths were given).</summary>
    private ReadOnlySpan<float> Sorted(ReadOnlySpan<float> original, int blocks, int width, ref float[] scratch)
    {
        if (_order.IsIdentity) return original;
        if (scratch.Length < original.Length) scratch = new float[original.Length];
        _order.Gather(original, scratch, blocks, width);
        return scratch.AsSpan(0, original.Length);
    }

    /// <summary>A device tensor [blocks, B, width] into the caller's order on the host.</summary>
    private void Download(ArrayView<float> view, Span<float> target, int blocks, int width)
    {
        var length = blocks * _batch * width;
        if (_order.IsIdentity)
        {
            DeviceCopy.ToHost(view, target[..length]);
            return;
        }
        if (_sorted.Length < length) _sorted = new float[length];
        DeviceCopy.ToHost(view, _sorted.AsSpan(0, length));
        _order.Scatter(_sorted.AsSpan(0, length), target, blocks, width);
    }

    public void Dispose()
    {
        _device.BindToCurrentThread();
        foreach (var block in _blocks) block.Dispose();
        foreach (var buffer in new[] { _parameters, _x, _state0, _stateT, _dy, _dStateT, _dState0, _dx, _between, _gradients })
            buffer.Dispose();
    }
}
