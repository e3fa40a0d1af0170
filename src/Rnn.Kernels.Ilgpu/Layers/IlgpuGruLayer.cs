using ILGPU;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>
/// GRU (reset_after) on the device: input projections of all steps in one GEMM; per step the hidden projections of
/// all three gates in one GEMM into rows pre-filled with b_hh, then the fused cell kernel; backward per step the
/// fused gate-gradient kernel and dh += dGh·W_hh, then the weight gradients as GEMMs over the window. Each step
/// runs on the samples still running (packed slots, see <see cref="IlgpuRecurrentLayer"/>).
/// </summary>
internal sealed class IlgpuGruLayer(IlgpuDevice device, RecurrentLayer descriptor) : IlgpuRecurrentLayer(device, descriptor)
{
    private readonly DeviceBuffer<float> _gx = new(device.Accelerator), _gh = new(device.Accelerator),
        _h = new(device.Accelerator), _dGx = new(device.Accelerator), _dGh = new(device.Accelerator),
        _dh = new(device.Accelerator);
    private ArrayView<float> _gxView, _ghView, _hView;

    private protected override void RunForward(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> h0,
        ArrayView<float> c0, ArrayView<float> hT, ArrayView<float> cT)
    {
        int steps = Steps, bh = Batch * Hidden, gh = GateWidth, rows = Packed.Steps.Rows;
        var kernels = Device.Kernels;
        _gxView = _gx.Ensure((long)rows * gh);
        _ghView = _gh.Ensure((long)rows * gh);
        _hView = _h.Ensure((long)Packed.Steps.StateRows * Hidden);
        kernels.FillRows(_gxView, IlgpuDevice.Of(Descriptor.BiasIh, parameters), rows, gh);
        kernels.FillRows(_ghView, IlgpuDevice.Of(Descriptor.BiasHh, parameters), rows, gh);
        ProjectInputs(parameters, x, _gxView);
        kernels.Copy(h0, _hView, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = 0; t < steps; t++)
        {
            var active = Active(t);
            if (active == 0) break;
            var ghT = SlotOf(_ghView, t, gh, active);
            var hPrev = SlotOf(_hView, t, Hidden, active);
            Device.Gemm.Run(false, true, active, gh, Hidden, hPrev, wHh, ghT, accumulate: true);
            kernels.GruForward(active * Hidden, SlotOf(_gxView, t, gh, active), ghT, hPrev, SlotOf(_hView, t + 1, Hidden, active), Hidden);
        }
        PublishOutputs(_hView);
        CopyFinalStates(_hView, hT);
    }

    public override void Backward(ArrayView<float> parameters, ArrayView<float> dy, ArrayView<float> dhT,
        ArrayView<float> dcT, ArrayView<float> dx, ArrayView<float> dh0, ArrayView<float> dc0, ArrayView<float> gradients)
    {
        int steps = Steps, bh = Batch * Hidden, gh = GateWidth, rows = Packed.Steps.Rows;
        var kernels = Device.Kernels;
        var dGx = _dGx.Ensure((long)rows * gh);
        var dGh = _dGh.Ensure((long)rows * gh);
        ClearEndedRows(dGx, gh);
        ClearEndedRows(dGh, gh);
        // A sample's rows of dh hold its final state's gradient until its own last step is reached.
        var dh = _dh.Ensure(bh);
        kernels.Copy(dhT, dh, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = steps - 1; t >= 0; t--)
        {
            var active = Active(t);
            if (active == 0) continue;
            var dGhT = SlotOf(dGh, t, gh, active);
            var dhT2 = dh.SubView(0, (long)active * Hidden);
            kernels.GruBackward(active * Hidden, SlotOf(_gxView, t, gh, active), SlotOf(_ghView, t, gh, active),
                SlotOf(_hView, t, Hidden, active), StepOf(dy, t, Hidden, active), dhT2, SlotOf(dGx, t, gh, active), dGhT, Hidden);
            // dh_prev = dh ⊙ z + dGh_t·W_hh
            Device.Gemm.Run(false, false, active, Hidden, gh, dGhT, wHh, dhT2, accumulate: true);
        }
        kernels.Copy(dh, dh0, bh);
        AccumulateWindowGradients(parameters, _hView, dGx, dGh, dx, gradients);
    }

    public override void Dispose()
    {
        foreach (var buffer in new[] { _gx, _gh, _h, _dGx, _dGh, _dh }) buffer.Dispose();
        base.Dispose();
    }
}
