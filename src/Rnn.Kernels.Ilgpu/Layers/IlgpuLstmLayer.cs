using ILGPU;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>
/// LSTM on the device: the input projection of all steps in one GEMM, then per step one GEMM for all four gates
/// (h·W_hhᵀ added into the step's gate rows) and the fused cell kernel; backward per step the fused gate-gradient
/// kernel and dh = dGates·W_hh, then the weight gradients as GEMMs over the whole window.
/// </summary>
internal sealed class IlgpuLstmLayer(IlgpuDevice device, RecurrentLayer descriptor) : IlgpuRecurrentLayer(device, descriptor)
{
    private readonly DeviceBuffer<float> _gates = new(device.Accelerator), _h = new(device.Accelerator),
        _c = new(device.Accelerator), _dGates = new(device.Accelerator), _dh = new(device.Accelerator),
        _dc = new(device.Accelerator);
    private ArrayView<float> _gatesView, _hView, _cView;

    public override ArrayView<float> Output => _hView.SubView((long)Batch * Hidden, (long)Steps * Batch * Hidden);

    private protected override void RunForward(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> h0,
        ArrayView<float> c0, ArrayView<float> hT, ArrayView<float> cT)
    {
        int steps = Steps, batch = Batch, bh = batch * Hidden, gh = GateWidth;
        var kernels = Device.Kernels;
        _gatesView = _gates.Ensure((long)steps * batch * gh);
        _hView = _h.Ensure((long)(steps + 1) * bh);
        _cView = _c.Ensure((long)(steps + 1) * bh);
        kernels.FillRowsWithSum(_gatesView, IlgpuDevice.Of(Descriptor.BiasIh, parameters),
            IlgpuDevice.Of(Descriptor.BiasHh, parameters), steps * batch, gh);
        ProjectInputs(parameters, x, _gatesView);
        kernels.Copy(h0, _hView, bh);
        kernels.Copy(c0, _cView, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = 0; t < steps; t++)
        {
            var gates = StepOf(_gatesView, t, gh);
            Device.Gemm.Run(false, true, batch, gh, Hidden, StepOf(_hView, t, Hidden), wHh, gates, accumulate: true);
            kernels.LstmForward(bh, gates, StepOf(_cView, t, Hidden), StepOf(_cView, t + 1, Hidden),
                StepOf(_hView, t + 1, Hidden), Hidden);
        }
        kernels.Copy(StepOf(_hView, steps, Hidden), hT, bh);
        kernels.Copy(StepOf(_cView, steps, Hidden), cT, bh);
    }

    public override void Backward(ArrayView<float> parameters, ArrayView<float> dy, ArrayView<float> dhT,
        ArrayView<float> dcT, ArrayView<float> dx, ArrayView<float> dh0, ArrayView<float> dc0, ArrayView<float> gradients)
    {
        int steps = Steps, batch = Batch, bh = batch * Hidden, gh = GateWidth;
        var kernels = Device.Kernels;
        var dGates = _dGates.Ensure((long)steps * batch * gh);
        var dh = _dh.Ensure(bh);
        var dc = _dc.Ensure(bh);
        kernels.Copy(dhT, dh, bh);
        kernels.Copy(dcT, dc, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = steps - 1; t >= 0; t--)
        {
            var dGatesT = StepOf(dGates, t, gh);
            kernels.LstmBackward(bh, StepOf(_gatesView, t, gh), StepOf(_cView, t, Hidden), StepOf(_cView, t + 1, Hidden),
                StepOf(dy, t, Hidden), dh, dc, dGatesT, Hidden);
            // dh_prev = dGates_t · W_hh
            Device.Gemm.Run(false, false, batch, Hidden, gh, dGatesT, wHh, dh, accumulate: false);
        }
        kernels.Copy(dh, dh0, bh);
        kernels.Copy(dc, dc0, bh);
        AccumulateWindowGradients(parameters, _hView, dGates, dGates, dx, gradients);
    }

    public override void Dispose()
    {
        foreach (var buffer in new[] { _gates, _h, _c, _dGates, _dh, _dc }) buffer.Dispose();
    }
}
