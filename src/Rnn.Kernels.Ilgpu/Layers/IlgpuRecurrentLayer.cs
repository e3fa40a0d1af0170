using ILGPU;
using Rnn.Kernels.Ilgpu.Kernels;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>
/// A recurrent layer on the device, with the parameter layout and sizes of its CPU descriptor. All views are device
/// views: parameters and gradients are flat buffers in the model's layout; x [T·B, I] must stay valid until
/// <see cref="Backward"/>; states are [B,H] views (c only for LSTM). Activations live in buffers owned here.
/// With per-sample lengths (sorted longest first) the step rows live in packed slots as on the CPU
/// (<see cref="PackedSteps"/>): each step's GEMM and cell kernel run on the samples still running only.
/// </summary>
public abstract class IlgpuRecurrentLayer : IDisposable
{
    private protected readonly IlgpuDevice Device;
    private readonly DeviceBuffer<float> _packedX, _packedDx, _paddedY;
    private ArrayView<float> _x;

    private protected IlgpuRecurrentLayer(IlgpuDevice device, RecurrentLayer descriptor)
    {
        Device = device;
        Descriptor = descriptor;
        Packed = new IlgpuPackedSteps(device.Accelerator);
        (_packedX, _packedDx, _paddedY) = (new(device.Accelerator), new(device.Accelerator), new(device.Accelerator));
    }

    public RecurrentLayer Descriptor { get; }

    internal IlgpuPackedSteps Packed { get; }

    private protected int Hidden => Descriptor.HiddenSize;

    private protected int GateWidth => Descriptor.GateCount * Descriptor.HiddenSize;

    private protected int Steps { get; private set; }

    private protected int Batch { get; private set; }

    /// <summary>y of the last forward, [T·B, H], zero past each sample's length (valid until the next forward).</summary>
    public ArrayView<float> Output { get; private set; }

    /// <summary>Runs sample b over steps 0..lengths[b]-1 from (h0, c0); writes each sample's final (hT, cT).</summary>
    public void Forward(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> h0, ArrayView<float> c0,
        ArrayView<float> hT, ArrayView<float> cT, int steps, int batch, ReadOnlySpan<int> sortedLengths = default)
    {
        if (steps < 1 || batch < 1) throw new ArgumentException($"steps ({steps}) and batch ({batch}) must be positive");
        Steps = steps;
        Batch = batch;
        Packed.Set(sortedLengths, steps, batch);
        _x = x;
        if (!Packed.Steps.IsFull)
        {
            var rows = Packed.Steps.Rows;
            _x = _packedX.Ensure((long)rows * Descriptor.InputSize);
            Device.Kernels.CopyRows(rows, x, _x, Packed.InputGather, RowCopy.Rows(Descriptor.InputSize));
        }
        RunForward(parameters, _x, h0, c0, hT, cT);
    }

    /// <summary>
    /// Backward through the last forward: dy [T·B, H] and (dhT, dcT) in; dx (skipped when empty) and (dh0, dc0) out;
    /// parameter gradients added into <paramref name="gradients"/>.
    /// </summary>
    public abstract void Backward(ArrayView<float> parameters, ArrayView<float> dy, ArrayView<float> dhT,
        ArrayView<float> dcT, ArrayView<float> dx, ArrayView<float> dh0, ArrayView<float> dc0, ArrayView<float> gradients);

    private protected abstract void RunForward(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> h0,
        ArrayView<float> c0, ArrayView<float> hT, ArrayView<float> cT);

    /// <summary>rows[Rows, G·H] = bias rows + x·W_ihᵀ: the whole window's input projection in one GEMM.</summary>
    private protected void ProjectInputs(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> rows)
    {
        Device.Gemm.Run(false, true, Packed.Steps.Rows, GateWidth, Descriptor.InputSize, x,
            IlgpuDevice.Of(Descriptor.WeightIh, parameters), rows, accumulate: true);
    }

    /// <summary>dW_ih += dGxᵀ·X, dW_hh += dGhᵀ·H_prev, biases += column sums, dx = dGx·W_ih: GEMMs over all steps.</summary>
    private protected void AccumulateWindowGradients(ArrayView<float> parameters, ArrayView<float> hPrev,
        ArrayView<float> dGx, ArrayView<float> dGh, ArrayView<float> dx, ArrayView<float> gradients)
    {
        int rows = Packed.Steps.Rows, gh = GateWidth, input = Descriptor.InputSize;
        var gemm = Device.Gemm;
        gemm.Run(true, false, gh, input, rows, dGx, _x, IlgpuDevice.Of(Descriptor.WeightIh, gradients), accumulate: true);
        gemm.Run(true, false, gh, Hidden, rows, dGh, hPrev, IlgpuDevice.Of(Descriptor.WeightHh, gradients), accumulate: true);
        Device.Gemm.AddColumnSums(dGx, IlgpuDevice.Of(Descriptor.BiasIh, gradients), rows, gh);
        Device.Gemm.AddColumnSums(dGh, IlgpuDevice.Of(Descriptor.BiasHh, gradients), rows, gh);
        if (dx.Length == 0) return;
        if (Packed.Steps.IsFull)
        {
            gemm.Run(false, false, rows, input, gh, dGx, IlgpuDevice.Of(Descriptor.WeightIh, parameters), dx, accumulate: false);
            return;
        }
        var packedDx = _packedDx.Ensure((long)rows * input);
        gemm.Run(false, false, rows, input, gh, dGx, IlgpuDevice.Of(Descriptor.WeightIh, parameters), packedDx, accumulate: false);
        Device.Kernels.CopyRows(Steps * Batch, packedDx, dx, Packed.InputScatter, RowCopy.Rows(input));
    }

    /// <summary>Samples still running at step t: the prefix of rows that step t computes.</summary>
    private protected int Active(int t) => Packed.Steps.Active(t);

    /// <summary>The first <paramref name="rows"/> rows of slot t of a packed buffer of rows <paramref name="width"/> wide.</summary>
    private protected ArrayView<float> SlotOf(ArrayView<float> buffer, int t, int width, int rows) =>
        buffer.SubView((long)Packed.Steps.Offset(t) * width, (long)rows * width);

    /// <summary>Rows [0, rows) of step t of a padded [T·B, width] buffer.</summary>
    private protected ArrayView<float> StepOf(ArrayView<float> buffer, int t, int width, int rows) =>
        buffer.SubView((long)t * Batch * width, (long)rows * width);

    /// <summary>Zeroes the rows of ended samples in every input slot of a gradient buffer (they take no part).</summary>
    private protected void ClearEndedRows(ArrayView<float> buffer, int width)
    {
        if (Packed.Steps.IsFull) return;
        for (var t = 0; t < Steps; t++)
        {
            int active = Active(t), slot = Packed.Steps.Offset(t + 1) - Packed.Steps.Offset(t);
            if (slot > active) Device.Kernels.Zero(buffer.SubView((long)(Packed.Steps.Offset(t) + active) * width, (long)(slot - active) * width), (slot - active) * width);
        }
    }

    /// <summary>Sets <see cref="Output"/> from a hidden-state array [h0 | h_0 | ...]: padded, zero past each length.</summary>
    private protected void PublishOutputs(ArrayView<float> states)
    {
        var bh = Batch * Hidden;
        if (Packed.Steps.IsFull)
        {
            Output = states.SubView(bh, (long)Steps * bh);
            return;
        }
        Output = _paddedY.Ensure((long)Steps * bh);
        Device.Kernels.CopyRows(Steps * Batch, states, Output, Packed.OutputScatter, RowCopy.Rows(Hidden));
    }

    /// <summary>Each sample's state after its own last step, from a hidden-state (or cell-state) array.</summary>
    private protected void CopyFinalStates(ArrayView<float> states, ArrayView<float> final)
    {
        var bh = Batch * Hidden;
        if (Packed.Steps.IsFull) Device.Kernels.Copy(states.SubView((long)Steps * bh, bh), final, bh);
        else Device.Kernels.CopyRows(Batch, states, final, Packed.FinalGather, RowCopy.Rows(Hidden));
    }

    /// <summary>The device counterpart of a CPU layer descriptor.</summary>
    public static IlgpuRecurrentLayer Create(IlgpuDevice device, RecurrentLayer descriptor) => descriptor switch
    {
        LstmLayer => new IlgpuLstmLayer(device, descriptor),
        GruLayer => new IlgpuGruLayer(device, descriptor),
        SimpleRnnLayer => new IlgpuSimpleRnnLayer(device, descriptor),
        _ => throw new NotSupportedException($"the ILGPU backend has no kernels for {descriptor.GetType().Name}"),
    };

    public virtual void Dispose()
    {
        Packed.Dispose();
        foreach (var buffer in new[] { _packedX, _packedDx, _paddedY }) buffer.Dispose();
        GC.SuppressFinalize(this);
    }
}
