using ILGPU;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Ilgpu.Layers;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;

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
        (_steps, _batch, _parameterLength) = (steps, batch, parameters.Length);
        _parameterView = _parameters.Upload(parameters);
        var current = _x.Upload(x[..(steps * batch * Layers[0].InputSize)]);
        var s0 = _state0.Upload(state0[..shape.StackStateLength]);
        var sT = _stateT.Ensure(shape.StackStateLength);
        foreach (var layer in _layers.Select((layer, l) => (layer, l)))
        {
            var (h0, c0) = StateViews(shape, s0, layer.l);
            var (hT, cT) = StateViews(shape, sT, layer.l);
            layer.layer.Forward(_parameterView, current, h0, c0, hT, cT, steps, batch);
            current = layer.layer.Output;
        }
        DeviceCopy.ToHost(current, y[..(steps * batch * Layers[^1].HiddenSize)]);
        DeviceCopy.ToHost(sT, stateT[..shape.StackStateLength]);
    }

    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        _device.BindToCurrentThread();
        var shape = new RecurrentStackShape(Layers, _batch);
        shape.CheckStates(dStateT.Length, dState0.Length);
        if (parameters.Length != _parameterLength) throw new ArgumentException("parameters differ in length from the forward's", nameof(parameters));
        var rows = _steps * _batch;
        var grad = _gradients.Ensure(parameters.Length);
        _device.Kernels.Zero(grad, parameters.Length);
        var current = _dy.Upload(dy[..(rows * Layers[^1].HiddenSize)]);
        var dsT = _dStateT.Upload(dStateT[..shape.StackStateLength]);
        var ds0 = _dState0.Ensure(shape.StackStateLength);
        // Each layer's dx must not alias its dy: alternate between two buffers below the top.
        var buffers = new[] { _dx, _between };
        for (var l = _layers.Length - 1; l >= 0; l--)
        {
            var dxView = buffers[l % 2].Ensure((long)rows * Layers[l].InputSize);
            var (dhT, dcT) = StateViews(shape, dsT, l);
            var (dh0, dc0) = StateViews(shape, ds0, l);
            _layers[l].Backward(_parameterView, current, dhT, dcT, dxView, dh0, dc0, grad);
            current = dxView;
        }
        DeviceCopy.ToHost(current, dx[..(rows * Layers[0].InputSize)]);
        DeviceCopy.ToHost(ds0, dState0[..shape.StackStateLength]);
        if (_gradientHost.Length < parameters.Length) _gradientHost = new float[parameters.Length];
        DeviceCopy.ToHost(grad, _gradientHost.AsSpan(0, parameters.Length));
        for (var i = 0; i < parameters.Length; i++) gradients[i] += _gradientHost[i];
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
