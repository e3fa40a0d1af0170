using Rnn.Kernels.Ilgpu.Kernels;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Optimizers;

/// <summary>
/// Adam with the moments on the device: the same coefficients as <see cref="AdamOptimizer"/> (computed on the host
/// from the decimal hyper-parameters, rounded to float once) and the same per-element float32 operation order in
/// <see cref="AdamKernels"/>. On the CPU accelerator the result is bit-identical to AdamOptimizer's scalar path; a
/// CUDA compiler may contract a·b + c into an FMA and differ in the last bit.
/// </summary>
public sealed class IlgpuAdamOptimizer : IOptimizer, IDisposable
{
    private readonly IlgpuDevice _device;
    private readonly DeviceBuffer<float> _parameters, _gradients, _firstMoment, _secondMoment;
    private readonly AdamHyperparameters _hyperparameters;

    public IlgpuAdamOptimizer(IlgpuDevice device, int length, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0)
    {
        HyperparameterCheck.Length(length, nameof(length));
        _hyperparameters = new AdamHyperparameters(beta1, beta2, epsilon, weightDecay);
        _device = device;
        Length = length;
        var a = device.Accelerator;
        (_parameters, _gradients, _firstMoment, _secondMoment) = (new(a), new(a), new(a), new(a));
        device.Kernels.Zero(_firstMoment.Ensure(length), length);
        device.Kernels.Zero(_secondMoment.Ensure(length), length);
    }

    public string Kind => AdamOptimizer.KindName;

    public int Length { get; }

    public long StepCount { get; private set; }

    public float Beta1 => _hyperparameters.Beta1;

    public float Beta2 => _hyperparameters.Beta2;

    public float Epsilon => _hyperparameters.Epsilon;

    public float WeightDecay => _hyperparameters.WeightDecay;

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, double learningRate)
    {
        HyperparameterCheck.Spans(Length, parameters.Length, gradients.Length);
        HyperparameterCheck.NonNegativeFinite(learningRate, nameof(learningRate));
        StepCount++;
        var coefficients = _hyperparameters.Coefficients(StepCount, learningRate);
        var p = _parameters.Upload(parameters);
        var g = _gradients.Upload(gradients);
        _device.Kernels.Adam(Length, p, g, _firstMoment.Ensure(Length), _secondMoment.Ensure(Length), coefficients);
        DeviceCopy.ToHost(p, parameters);
    }

    public OptimizerState ExportState()
    {
        var first = new float[Length];
        var second = new float[Length];
        DeviceCopy.ToHost(_firstMoment.Ensure(Length), first);
        DeviceCopy.ToHost(_secondMoment.Ensure(Length), second);
        return new OptimizerState(AdamOptimizer.KindName, StepCount, new Dictionary<string, float[]>
        {
            [AdamOptimizer.FirstMomentBuffer] = first,
            [AdamOptimizer.SecondMomentBuffer] = second,
        });
    }

    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.RequireKind(AdamOptimizer.KindName);
        var first = state.RequireBuffer(AdamOptimizer.FirstMomentBuffer, Length);
        var second = state.RequireBuffer(AdamOptimizer.SecondMomentBuffer, Length);
        _firstMoment.Upload(first.AsSpan(0, Length));
        _secondMoment.Upload(second.AsSpan(0, Length));
        StepCount = state.StepCount;
    }

    public void Dispose()
    {
        foreach (var buffer in new[] { _parameters, _gradients, _firstMoment, _secondMoment }) buffer.Dispose();
    }
}
