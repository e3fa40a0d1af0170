using ILGPU;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>
/// Elman RNN on the device: the input projections of all steps in one GEMM, then each step adds h_{t-1}·W_hhᵀ (one
/// GEMM), applies tanh in place and copies h_t into the hidden-state array. Each step runs on the samples still
/// running (packed slots, see <see cref="IlgpuRecurrentLayer"/>).
/// </summary>
internal sealed class IlgpuSimpleRnnLayer(IlgpuDevice device, RecurrentLayer descriptor) : IlgpuRecurrentLayer(device, descriptor)
{
    private readonly DeviceBuffer<float> _a = new(device.Accelerator), _h = new(device.Accelerator),
        _dA = new(device.Accelerator), _dh = new(device.Accelerator);
    private ArrayView<float> _aView, _hView;

    private protected override void RunForward(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> h0,
        ArrayView<float> c0, ArrayView<float> hT, ArrayView<float> cT)
    {
        int steps = Steps, bh = Batch * Hidden, rows = Packed.Steps.Rows;
        var kernels = Device.Kernels;
        _aView = _a.Ensure((long)rows * Hidden);
        _hView = _h.Ensure((long)Packed.Steps.StateRows * Hidden);
        kernels.FillRowsWithSum(_aView, IlgpuDevice.Of(Descriptor.BiasIh, parameters),
            IlgpuDevice.Of(Descriptor.BiasHh, parameters), rows, Hidden);
        ProjectInputs(parameters, x, _aView);
        kernels.Copy(h0, _hView, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = 0; t < steps; t++)
        {
            var active = Active(t);
            if (active == 0) break;
            var a = SlotOf(_aView, t, Hidden, active);
            // a_t += h_{t-1}·W_hhᵀ ; h_t = tanh(a_t)
            Device.Gemm.Run(false, true, active, Hidden, Hidden, SlotOf(_hView, t, Hidden, active), wHh, a, accumulate: true);
            kernels.TanhInPlace(a, active * Hidden);
            kernels.Copy(a, SlotOf(_hView, t + 1, Hidden, active), active * Hidden);
        }
        PublishOutputs(_hView);
        CopyFinalStates(_hView, hT);
    }

    public override void Backward(ArrayView<float> parameters, ArrayView<float> dy, ArrayView<float> dhT,
        ArrayView<float> dcT, ArrayView<float> dx, ArrayView<float> dh0, ArrayView<float> dc0, ArrayView<float> gradients)
    {
        int steps = Steps, bh = Batch * Hidden;
        var kernels = Device.Kernels;
        var dA = _dA.Ensure((long)Packed.Steps.Rows * Hidden);
        ClearEndedRows(dA, Hidden);
        // A sample's rows of dh hold its final state's gradient until its own last step is reached.
        var dh = _dh.Ensure(bh);
        kernels.Copy(dhT, dh, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = steps - 1; t >= 0; t--)
        {
            var active = Active(t);
            if (active == 0) continue;
            var dAt = SlotOf(dA, t, Hidden, active);
            var dhActive = dh.SubView(0, (long)active * Hidden);
            kernels.SimpleRnnBackward(active * Hidden, SlotOf(_aView, t, Hidden, active), StepOf(dy, t, Hidden, active), dhActive, dAt);
            // dh_prev = dA_t·W_hh
            Device.Gemm.Run(false, false, active, Hidden, Hidden, dAt, wHh, dhActive, accumulate: false);
        }
        kernels.Copy(dh, dh0, bh);
        AccumulateWindowGradients(parameters, _hView, dA, dA, dx, gradients);
    }

    public override void Dispose()
    {
        foreach (var buffer in new[] { _a, _h, _dA, _dh }) buffer.Dispose();
        base.Dispose();
    }
}
