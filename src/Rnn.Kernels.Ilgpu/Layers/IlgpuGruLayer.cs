using ILGPU;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>
/// GRU (reset_after) on the device: input projections of all steps in one GEMM; per step the hidden projections of
/// all three gates in one GEMM into rows pre-filled with b_hh, then the fused cell kernel; backward per step the
/// fused gate-gradient kernel and dh += dGh·W_hh, then the weight gradients as GEMMs over the window.
/// </summary>
internal sealed class IlgpuGruLayer(IlgpuDevice device, RecurrentLayer descriptor) : IlgpuRecurrentLayer(device, descriptor)
{
    private readonly DeviceBuffer<float> _gx = new(device.Accelerator), _gh = new(device.Accelerator),
        _h = new(device.Accelerator), _dGx = new(device.Accelerator), _dGh = new(device.Accelerator),
        _dh = new(device.Accelerator);
    private ArrayView<float> _gxView, _ghView, _hView;

    public override ArrayView<float> Output => _hView.SubView((long)Batch * Hidden, (long)Steps * Batch * Hidden);

    private protected override void RunForward(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> h0,
        ArrayView<float> c0, ArrayView<float> hT, ArrayView<float> cT)
    {
        int steps = Steps, batch = Batch, bh = batch * Hidden, gh = GateWidth, rows = steps * batch;
        var kernels = Device.Kernels;
        _gxView = _gx.Ensure((long)rows * gh);
        _ghView = _gh.Ensure((long)rows * gh);
        _hView = _h.Ensure((long)(steps + 1) * bh);
        kernels.FillRows(_gxView, IlgpuDevice.Of(Descriptor.BiasIh, parameters), rows, gh);
        kernels.FillRows(_ghView, IlgpuDevice.Of(Descriptor.BiasHh, parameters), rows, gh);
        ProjectInputs(parameters, x, _gxView);
        kernels.Copy(h0, _hView, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = 0; t < steps; t++)
        {
            var ghT = StepOf(_ghView, t, gh);
            var hPrev = StepOf(_hView, t, Hidden);
            Device.Gemm.Run(false, true, batch, gh, Hidden, hPrev, wHh, ghT, accumulate: true);
            kernels.GruForward(bh, StepOf(_gxView, t, gh), ghT, hPrev, StepOf(_hView, t + 1, Hidden), Hidden);
        }
        kernels.Copy(StepOf(_hView, steps, Hidden), hT, bh);
    }

    public override void Backward(ArrayView<float> parameters, ArrayView<float> dy, ArrayView<float> dhT,
        ArrayView<float> dcT, ArrayView<float> dx, ArrayView<float> dh0, ArrayView<float> dc0, ArrayView<float> gradients)
    {
        int steps = Steps, batch = Batch, bh = batch * Hidden, gh = GateWidth, rows = steps * batch;
        var kernels = Device.Kernels;
        var dGx = _dGx.Ensure((long)rows * gh);
        var dGh = _dGh.Ensure((long)rows * gh);
        var dh = _dh.Ensure(bh);
        kernels.Copy(dhT, dh, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = steps - 1; t >= 0; t--)
        {
            var dGhT = StepOf(dGh, t, gh);
            kernels.GruBackward(bh, StepOf(_gxView, t, gh), StepOf(_ghView, t, gh), StepOf(_hView, t, Hidden),
                StepOf(dy, t, Hidden), dh, StepOf(dGx, t, gh), dGhT, Hidden);
            // dh_prev = dh ⊙ z + dGh_t·W_hh
            Device.Gemm.Run(false, false, batch, Hidden, gh, dGhT, wHh, dh, accumulate: true);
        }
        kernels.Copy(dh, dh0, bh);
        AccumulateWindowGradients(parameters, _hView, dGx, dGh, dx, gradients);
    }

    public override void Dispose()
    {
        foreach (var buffer in new[] { _gx, _gh, _h, _dGx, _dGh, _dh }) buffer.Dispose();
    }
}
