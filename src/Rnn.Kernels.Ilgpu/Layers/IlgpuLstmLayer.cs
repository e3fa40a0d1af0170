using ILGPU;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>
/// LSTM on the device: the input projection of all steps in one GEMM, then per step one GEMM for all four gates
/// (h·W_hhᵀ added into the step's gate rows) and the fused cell kernel; backward per step the fused gate-gradient
/// kernel and dh = dGates·W_hh, then the weight gradients as GEMMs over the whole window. Each step runs on the
/// samples still running (packed slots, see <see cref="IlgpuRecurrentLayer"/>); c lives in slots like h.
/// </summary>
internal sealed class IlgpuLstmLayer(IlgpuDevice device, RecurrentLayer descriptor) : IlgpuRecurrentLayer(device, descriptor)
{
    private readonly DeviceBuffer<float> _gates = new(device.Accelerator), _h = new(device.Accelerator),
        _c = new(device.Accelerator), _dGates = new(device.Accelerator), _dh = new(device.Accelerator),
        _dc = new(device.Accelerator);
    private ArrayView<float> _gatesView, _hView, _cView;

    private protected override void RunForward(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> h0,
        ArrayView<float> c0, ArrayView<float> hT, ArrayView<float> cT)
    {
        int steps = Steps, bh = Batch * Hidden, gh = GateWidth, rows = Packed.Steps.Rows;
        var kernels = Device.Kernels;
        _gatesView = _gates.Ensure((long)rows * gh);
        _hView = _h.Ensure((long)Packed.Steps.StateRows * Hidden);
        _cView = _c.Ensure((long)Packed.Steps.StateRows * Hidden);
        kernels.FillRowsWithSum(_gatesView, IlgpuDevice.Of(Descriptor.BiasIh, parameters),
            IlgpuDevice.Of(Descriptor.BiasHh, parameters), rows, gh);
        ProjectInputs(parameters, x, _gatesView);
        kernels.Copy(h0, _hView, bh);
        kernels.Copy(c0, _cView, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = 0; t < steps; t++)
        {
            var active = Active(t);
            if (active == 0) break;
            var gates = SlotOf(_gatesView, t, gh, active);
            Device.Gemm.Run(false, true, active, gh, Hidden, SlotOf(_hView, t, Hidden, active), wHh, gates, accumulate: true);
            kernels.LstmForward(active * Hidden, gates, SlotOf(_cView, t, Hidden, active), SlotOf(_cView, t + 1, Hidden, active),
                SlotOf(_hView, t + 1, Hidden, active), Hidden);
        }
        PublishOutputs(_hView);
        CopyFinalStates(_hView, hT);
        CopyFinalStates(_cView, cT);
    }

    public override void Backward(ArrayView<float> parameters, ArrayView<float> dy, ArrayView<float> dhT,
        ArrayView<float> dcT, ArrayView<float> dx, ArrayView<float> dh0, ArrayView<float> dc0, ArrayView<float> gradients)
    {
        int steps = Steps, bh = Batch * Hidden, gh = GateWidth;
        var kernels = Device.Kernels;
        var dGates = _dGates.Ensure((long)Packed.Steps.Rows * gh);
        ClearEndedRows(dGates, gh);
        // A sample's rows of dh and dc hold its final state's gradients until its own last step is reached.
        var dh = _dh.Ensure(bh);
        var dc = _dc.Ensure(bh);
        kernels.Copy(dhT, dh, bh);
        kernels.Copy(dcT, dc, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = steps - 1; t >= 0; t--)
        {
            var active = Active(t);
            if (active == 0) continue;
            var dGatesT = SlotOf(dGates, t, gh, active);
            var dhActive = dh.SubView(0, (long)active * Hidden);
            kernels.LstmBackward(active * Hidden, SlotOf(_gatesView, t, gh, active), SlotOf(_cView, t, Hidden, active),
                SlotOf(_cView, t + 1, Hidden, active), StepOf(dy, t, Hidden, active), dhActive,
                dc.SubView(0, (long)active * Hidden), dGatesT, Hidden);
            // dh_prev = dGates_t · W_hh
            Device.Gemm.Run(false, false, active, Hidden, gh, dGatesT, wHh, dhActive, accumulate: false);
        }
        kernels.Copy(dh, dh0, bh);
        kernels.Copy(dc, dc0, bh);
        AccumulateWindowGradients(parameters, _hView, dGates, dGates, dx, gradients);
    }

    public override void Dispose()
    {
        foreach (var buffer in new[] { _gates, _h, _c, _dGates, _dh, _dc }) buffer.Dispose();
        base.Dispose();
    }
}
