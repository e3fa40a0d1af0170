using ILGPU;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Ilgpu.Layers;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Executors;

/// <summary>
/// A recurrent stack on the device: parameters, x and the [S,L,B,H] states are uploaded once per call, each layer
/// reads the one below's output in place on the device, and only y, the states, dx and the gradient come back.
/// </summary>
public sealed class IlgpuRecurrentStackExecutor : IRecurrentStackExecutor
{
    private readonly IlgpuDevice _device;
    private readonly IlgpuRecurrentLayer[] _layers;
    private readonly DeviceBuffer<float> _parameters, _x, _state0, _stateT, _dy, _dStateT, _dState0, _dx, _between,
        _gradients;
    private ArrayView<float> _parameterView;
    private int _steps, _batch, _parameterLength;
    private float[] _gradientHost = [];

    public IlgpuRecurrentStackExecutor(IlgpuDevice device, IReadOnlyList<RecurrentLayer> layers)
    {
        RecurrentStackShape.Check(layers);
        _device = device;
        Layers = layers;
        _layers = layers.Select(l => IlgpuRecurrentLayer.Create(device, l)).ToArray();
        var a = device.Accelerator;
        (_parameters, _x, _state0, _stateT, _dy) = (new(a), new(a), new(a), new(a), new(a));
        (_dStateT, _dState0, _dx, _between, _gradients) = (new(a), new(a), new(a), new(a), new(a));
    }

    public IReadOnlyList<RecurrentLayer> Layers { get; }

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch)
    {
        _device.BindToCurrentThread();
        var shape = new RecurrentStackShape(Layers, batch);
        shape.CheckStates(state0.Length, stateT.Length);
        var s0 = _state0.Upload(state0[..shape.StackStateLength]);
        var (output, sT) = RunForward(shape, parameters, x, s0, steps, batch);
        DeviceCopy.ToHost(output, y[..(steps * batch * Layers[^1].HiddenSize)]);
        DeviceCopy.ToHost(sT, stateT[..shape.StackStateLength]);
    }

    public void StepWithSumLoss(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, int steps, int batch,
        Span<float> gradients)
    {
        _device.BindToCurrentThread();
        var shape = new RecurrentStackShape(Layers, batch);
        var s0 = _state0.Ensure(shape.StackStateLength);
        _device.Kernels.Zero(s0, shape.StackStateLength);
        RunForward(shape, parameters, x, s0, steps, batch);
        var outputs = steps * batch * Layers[^1].HiddenSize;
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
        foreach (var layer in _layers.Select((layer, l) => (layer, l)))
        {
            var (h0, c0) = StateViews(shape, s0, layer.l);
            var (hT, cT) = StateViews(shape, sT, layer.l);
            layer.layer.Forward(_parameterView, current, h0, c0, hT, cT, steps, batch);
            current = layer.layer.Output;
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
        var dyView = _dy.Upload(dy[..(_steps * _batch * Layers[^1].HiddenSize)]);
        var dsT = _dStateT.Upload(dStateT[..shape.StackStateLength]);
        var (dxView, ds0) = RunBackward(shape, dyView, dsT, gradients, inputGradient: !dx.IsEmpty);
        if (!dx.IsEmpty) DeviceCopy.ToHost(dxView, dx[..(_steps * _batch * Layers[0].InputSize)]);
        DeviceCopy.ToHost(ds0, dState0[..shape.StackStateLength]);
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
        // Each layer's dx must not alias its dy: alternate between two buffers below the top.
        var buffers = new[] { _dx, _between };
        for (var l = _layers.Length - 1; l >= 0; l--)
        {
            var dxView = l == 0 && !inputGradient ? default : buffers[l % 2].Ensure((long)rows * Layers[l].InputSize);
            var (dhT, dcT) = StateViews(shape, dsT, l);
            var (dh0, dc0) = StateViews(shape, ds0, l);
            _layers[l].Backward(_parameterView, current, dhT, dcT, dxView, dh0, dc0, grad);
            current = dxView;
        }
        if (_gradientHost.Length < _parameterLength) _gradientHost = new float[_parameterLength];
        DeviceCopy.ToHost(grad, _gradientHost.AsSpan(0, _parameterLength));
        for (var i = 0; i < _parameterLength; i++) gradients[i] += _gradientHost[i];
        return (current, ds0);
    }

    private static (ArrayView<float> H, ArrayView<float> C) StateViews(RecurrentStackShape shape, ArrayView<float> stack, int layer)
    {
        var h = stack.SubView(shape.Offset(0, layer), shape.BatchHidden);
        var c = shape.States == 2 ? stack.SubView(shape.Offset(1, layer), shape.BatchHidden) : default;
        return (h, c);
    }

    public void Dispose()
    {
        _device.BindToCurrentThread();
        foreach (var layer in _layers) layer.Dispose();
        foreach (var buffer in new[] { _parameters, _x, _state0, _stateT, _dy, _dStateT, _dState0, _dx, _between, _gradients })
            buffer.Dispose();
    }
}
