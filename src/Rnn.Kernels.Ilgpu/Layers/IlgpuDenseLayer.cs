using ILGPU;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>A dense layer on the device, PyTorch layout (weight [C,F], bias [C]); x must stay valid until backward.</summary>
public sealed class IlgpuDenseLayer(IlgpuDevice device, DenseLayer descriptor) : IDisposable
{
    private readonly DeviceBuffer<float> _y = new(device.Accelerator);
    private ArrayView<float> _x, _yView;
    private int _rows;

    public DenseLayer Descriptor { get; } = descriptor;

    /// <summary>y of the last forward, [rows, C].</summary>
    public ArrayView<float> Output => _yView;

    // y[rows, C] = b + x·Wᵀ
    public void Forward(ArrayView<float> parameters, ArrayView<float> x, int rows)
    {
        _x = x;
        _rows = rows;
        _yView = _y.Ensure((long)rows * Descriptor.OutputSize);
        device.Kernels.FillRows(_yView, IlgpuDevice.Of(Descriptor.Bias, parameters), rows, Descriptor.OutputSize);
        device.Gemm.Run(false, true, rows, Descriptor.OutputSize, Descriptor.InputSize, x,
            IlgpuDevice.Of(Descriptor.Weight, parameters), _yView, accumulate: true);
    }

    /// <summary>dW += dyᵀ·x, db += Σ_rows dy, dx = dy·W (skipped when dx is empty).</summary>
    public void Backward(ArrayView<float> parameters, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> gradients)
    {
        int rows = _rows, outputs = Descriptor.OutputSize, inputs = Descriptor.InputSize;
        device.Gemm.Run(true, false, outputs, inputs, rows, dy, _x, IlgpuDevice.Of(Descriptor.Weight, gradients), accumulate: true);
        device.Gemm.AddColumnSums(dy, IlgpuDevice.Of(Descriptor.Bias, gradients), rows, outputs);
        if (dx.Length > 0)
            device.Gemm.Run(false, false, rows, inputs, outputs, dy, IlgpuDevice.Of(Descriptor.Weight, parameters), dx, accumulate: false);
    }

    public void Dispose() => _y.Dispose();
}
