using ILGPU;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Layers;

/// <summary>
/// Elman RNN on the device: rows 1..T of the h buffer first hold the input projections of all steps (one GEMM),
/// then each step adds h_{t-1}·W_hhᵀ (one GEMM) and applies tanh in place.
/// </summary>
internal sealed class IlgpuSimpleRnnLayer(IlgpuDevice device, RecurrentLayer descriptor) : IlgpuRecurrentLayer(device, descriptor)
{
    private readonly DeviceBuffer<float> _h = new(device.Accelerator), _dA = new(device.Accelerator),
        _dh = new(device.Accelerator);
    private ArrayView<float> _hView;

    public override ArrayView<float> Output => _hView.SubView((long)Batch * Hidden, (long)Steps * Batch * Hidden);

    private protected override void RunForward(ArrayView<float> parameters, ArrayView<float> x, ArrayView<float> h0,
        ArrayView<float> c0, ArrayView<float> hT, ArrayView<float> cT)
    {
        int steps = Steps, batch = Batch, bh = batch * Hidden;
        var kernels = Device.Kernels;
        _hView = _h.Ensure((long)(steps + 1) * bh);
        var projections = Output;
        kernels.FillRowsWithSum(projections, IlgpuDevice.Of(Descriptor.BiasIh, parameters),
            IlgpuDevice.Of(Descriptor.BiasHh, parameters), steps * batch, Hidden);
        ProjectInputs(parameters, x, projections);
        kernels.Copy(h0, _hView, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = 0; t < steps; t++)
        {
            var a = StepOf(_hView, t + 1, Hidden);
            // a_t += h_{t-1}·W_hhᵀ ; h_t = tanh(a_t)
            Device.Gemm.Run(false, true, batch, Hidden, Hidden, StepOf(_hView, t, Hidden), wHh, a, accumulate: true);
            kernels.TanhInPlace(a, bh);
        }
        kernels.Copy(StepOf(_hView, steps, Hidden), hT, bh);
    }

    public override void Backward(ArrayView<float> parameters, ArrayView<float> dy, ArrayView<float> dhT,
        ArrayView<float> dcT, ArrayView<float> dx, ArrayView<float> dh0, ArrayView<float> dc0, ArrayView<float> gradients)
    {
        int steps = Steps, batch = Batch, bh = batch * Hidden;
        var kernels = Device.Kernels;
        var dA = _dA.Ensure((long)steps * bh);
        var dh = _dh.Ensure(bh);
        kernels.Copy(dhT, dh, bh);
        var wHh = IlgpuDevice.Of(Descriptor.WeightHh, parameters);
        for (var t = steps - 1; t >= 0; t--)
        {
            var dAt = StepOf(dA, t, Hidden);
            kernels.SimpleRnnBackward(bh, StepOf(_hView, t + 1, Hidden), StepOf(dy, t, Hidden), dh, dAt);
            // dh_prev = dA_t·W_hh
            Device.Gemm.Run(false, false, batch, Hidden, Hidden, dAt, wHh, dh, accumulate: false);
        }
        kernels.Copy(dh, dh0, bh);
        AccumulateWindowGradients(parameters, _hView, dA, dA, dx, gradients);
    }

    public override void Dispose()
    {
        foreach (var buffer in new[] { _h, _dA, _dh }) buffer.Dispose();
    }
}
