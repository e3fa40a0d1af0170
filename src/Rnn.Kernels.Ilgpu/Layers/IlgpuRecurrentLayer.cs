using ILGPU;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>
/// A recurrent layer on the device, with the parameter layout and sizes of its CPU descriptor. All views are device
/// views: parameters and gradients are flat buffers in the model's layout; x [T·B, I] must stay valid until
/// <see cref="Backward"/>; states are [B,H] views (c only for LSTM). Activations live in buffers owned here.
/// </summary>
public abstract class IlgpuRecurrentLayer(IlgpuDevice device, RecurrentLayer descriptor) : IDisposable
{
    private protected readonly IlgpuDevice Device = device;
    private ArrayView<float> _x;

    public RecurrentLayer Descriptor { get; } = descriptor;

    private protected int Hidden => Descriptor.HiddenSize;

    private protected int GateWidth => Descriptor.GateCount * Descriptor.HiddenSize;

    private protected int Steps { get; private set; }

    private protected int Batch { get; private set; }

    /// <summary>y of the last forward, [T·B, H] (valid until the next forward).</summary>
    public abstract ArrayView<float> Output { get; }

    /// <summary>Runs T steps from (h0, c0); writes (hT, cT).</summary>
    public void Forward(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> h0, ArrayView<float> c0,
        ArrayView<float> hT, ArrayView<float> cT, int steps, int batch)
    {
        if (steps < 1 || batch < 1) throw new ArgumentException($"steps ({steps}) and batch ({batch}) must be positive");
        _x = x;
        Steps = steps;
        Batch = batch;
        RunForward(parameters, x, h0, c0, hT, cT);
    }

    /// <summary>
    /// Backward through the last forward: dy [T·B, H] and (dhT, dcT) in; dx (skipped when empty) and (dh0, dc0) out;
    /// parameter gradients added into <paramref name="gradients"/>.
    /// </summary>
    public abstract void Backward(ArrayView<float> parameters, ArrayView<float> dy, ArrayView<float> dhT,
        ArrayView<float> dcT, ArrayView<float> dx, ArrayView<float> dh0, ArrayView<float> dc0, ArrayView<float> gradients);

    private protected abstract void RunForward(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> h0,
        ArrayView<float> c0, ArrayView<float> hT, ArrayView<float> cT);

    /// <summary>rows[T·B, G·H] = bias rows + x·W_ihᵀ: the whole window's input projection in one GEMM.</summary>
    private protected void ProjectInputs(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> rows)
    {
        Device.Gemm.Run(false, true, Steps * Batch, GateWidth, Descriptor.InputSize, x,
            IlgpuDevice.Of(Descriptor.WeightIh, parameters), rows, accumulate: true);
    }

    /// <summary>dW_ih += dGxᵀ·X, dW_hh += dGhᵀ·H_prev, biases += column sums, dx = dGx·W_ih: GEMMs over all steps.</summary>
    private protected void AccumulateWindowGradients(ArrayView<float> parameters, ArrayView<float> hPrev,
        ArrayView<float> dGx, ArrayView<float> dGh, ArrayView<float> dx, ArrayView<float> gradients)
    {
        int rows = Steps * Batch, gh = GateWidth, input = Descriptor.InputSize;
        var gemm = Device.Gemm;
        gemm.Run(true, false, gh, input, rows, dGx, _x, IlgpuDevice.Of(Descriptor.WeightIh, gradients), accumulate: true);
        gemm.Run(true, false, gh, Hidden, rows, dGh, hPrev, IlgpuDevice.Of(Descriptor.WeightHh, gradients), accumulate: true);
        Device.Gemm.AddColumnSums(dGx, IlgpuDevice.Of(Descriptor.BiasIh, gradients), rows, gh);
        Device.Gemm.AddColumnSums(dGh, IlgpuDevice.Of(Descriptor.BiasHh, gradients), rows, gh);
        if (dx.Length > 0)
            gemm.Run(false, false, rows, input, gh, dGx, IlgpuDevice.Of(Descriptor.WeightIh, parameters), dx, accumulate: false);
    }

    /// <summary>Step t's slice [B, width] of a time-major [T·B, width] buffer.</summary>
    private protected ArrayView<float> StepOf(ArrayView<float> buffer, int t, int width) =>
        buffer.SubView((long)t * Batch * width, (long)Batch * width);

    /// <summary>The device counterpart of a CPU layer descriptor.</summary>
    public static IlgpuRecurrentLayer Create(IlgpuDevice device, RecurrentLayer descriptor) => descriptor switch
    {
        LstmLayer => new IlgpuLstmLayer(device, descriptor),
        GruLayer => new IlgpuGruLayer(device, descriptor),
        SimpleRnnLayer => new IlgpuSimpleRnnLayer(device, descriptor),
        _ => throw new NotSupportedException($"the ILGPU backend has no kernels for {descriptor.GetType().Name}"),
    };

    public abstract void Dispose();
}
