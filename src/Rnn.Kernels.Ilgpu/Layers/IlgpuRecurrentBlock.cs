using ILGPU;
using Rnn.Kernels.Ilgpu.Kernels;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>One direction's state views: (h0, c0) in and (hT, cT) out, or their gradients; c empty except for LSTM.</summary>
public readonly record struct DirectionStates(ArrayView<float> H0, ArrayView<float> C0, ArrayView<float> HT, ArrayView<float> CT);

/// <summary>
/// One level of a recurrent stack on the device, as <see cref="RecurrentBlock"/> on the CPU: a forward layer and,
/// when bidirectional, a reverse layer run over each sample's own steps in reverse order, the outputs concatenated
/// [forward, reverse] (D·H wide). Lengths, when given, are sorted longest first.
/// </summary>
public sealed class IlgpuRecurrentBlock : IDisposable
{
    private readonly IlgpuDevice _device;
    private readonly DeviceBuffer<float> _xReversed, _output, _dyForward, _dyReversed, _dxReversed;
    private readonly DeviceBuffer<int> _identity;
    private int[] _identityHost = [];
    private ArrayView<int> _reverseMap, _identityMap;

    public IlgpuRecurrentBlock(IlgpuDevice device, RecurrentLayer forward, RecurrentLayer? reverse,
        BidirectionalMerge merge = BidirectionalMerge.Concat)
    {
        if (reverse is not null && merge != BidirectionalMerge.Concat)
            throw new NotSupportedException($"the ILGPU backend joins the two directions of a bidirectional layer by concat only, not {merge}; use backend cpu");
        _device = device;
        ForwardLayer = IlgpuRecurrentLayer.Create(device, forward);
        ReverseLayer = reverse is null ? null : IlgpuRecurrentLayer.Create(device, reverse);
        var a = device.Accelerator;
        (_xReversed, _output, _dyForward, _dyReversed, _dxReversed) = (new(a), new(a), new(a), new(a), new(a));
        _identity = new DeviceBuffer<int>(a);
    }

    public IlgpuRecurrentLayer ForwardLayer { get; }

    public IlgpuRecurrentLayer? ReverseLayer { get; }

    public int Directions => ReverseLayer is null ? 1 : 2;

    private int Hidden => ForwardLayer.Descriptor.HiddenSize;

    private int Input => ForwardLayer.Descriptor.InputSize;

    /// <summary>y of the last forward, [T·B, D·H] (valid until the next forward).</summary>
    public ArrayView<float> Output { get; private set; }

    public void Forward(ArrayView<float> parameters, ArrayView<float> x, DirectionStates forward, DirectionStates reverse,
        int steps, int batch, ReadOnlySpan<int> sortedLengths)
    {
        ForwardLayer.Forward(parameters, x, forward.H0, forward.C0, forward.HT, forward.CT, steps, batch, sortedLengths);
        if (ReverseLayer is null)
        {
            Output = ForwardLayer.Output;
            return;
        }
        int rows = steps * batch, hs = Hidden;
        var kernels = _device.Kernels;
        _reverseMap = ForwardLayer.Packed.Reverse();
        _identityMap = Identity(rows);
        // The reverse layer reads x[n-1-t] at its step t; its output at t belongs to step n-1-t.
        var xReversed = _xReversed.Ensure((long)rows * Input);
        kernels.CopyRows(rows, x, xReversed, _reverseMap, RowCopy.Rows(Input));
        ReverseLayer.Forward(parameters, xReversed, reverse.H0, reverse.C0, reverse.HT, reverse.CT, steps, batch, sortedLengths);
        Output = _output.Ensure((long)rows * 2 * hs);
        kernels.CopyRows(rows, ForwardLayer.Output, Output, _identityMap, new RowCopy(hs, hs, 0, 2 * hs, 0, 0));
        kernels.CopyRows(rows, ReverseLayer.Output, Output, _reverseMap, new RowCopy(hs, hs, 0, 2 * hs, hs, 0));
    }

    /// <summary>dy [T·B, D·H] in; dx (skipped when empty) and the initial states' gradients out; parameter gradients added.</summary>
    public void Backward(ArrayView<float> parameters, ArrayView<float> dy, DirectionStates forward, DirectionStates reverse,
        ArrayView<float> dx, ArrayView<float> gradients)
    {
        if (ReverseLayer is null)
        {
            ForwardLayer.Backward(parameters, dy, forward.HT, forward.CT, dx, forward.H0, forward.C0, gradients);
            return;
        }
        int rows = (int)(_identityMap.Length), hs = Hidden;
        var kernels = _device.Kernels;
        var dyForward = _dyForward.Ensure((long)rows * hs);
        var dyReversed = _dyReversed.Ensure((long)rows * hs);
        kernels.CopyRows(rows, dy, dyForward, _identityMap, new RowCopy(hs, 2 * hs, 0, hs, 0, 0));
        kernels.CopyRows(rows, dy, dyReversed, _reverseMap, new RowCopy(hs, 2 * hs, hs, hs, 0, 0));
        ForwardLayer.Backward(parameters, dyForward, forward.HT, forward.CT, dx, forward.H0, forward.C0, gradients);
        var dxReversed = dx.Length == 0 ? default : _dxReversed.Ensure((long)rows * Input);
        ReverseLayer.Backward(parameters, dyReversed, reverse.HT, reverse.CT, dxReversed, reverse.H0, reverse.C0, gradients);
        // dx[t] += the reverse layer's input gradient at its step n-1-t.
        if (dx.Length > 0) kernels.CopyRows(rows, dxReversed, dx, _reverseMap, new RowCopy(Input, Input, 0, Input, 0, 1));
    }

    private ArrayView<int> Identity(int rows)
    {
        if (_identityHost.Length != rows)
        {
            _identityHost = new int[rows];
            for (var r = 0; r < rows; r++) _identityHost[r] = r;
            return _identity.Upload(_identityHost);
        }
        return _identity.Ensure(rows);
    }

    public void Dispose()
    {
        ForwardLayer.Dispose();
        ReverseLayer?.Dispose();
        foreach (var buffer in new[] { _xReversed, _output, _dyForward, _dyReversed, _dxReversed }) buffer.Dispose();
        _identity.Dispose();
    }
}
