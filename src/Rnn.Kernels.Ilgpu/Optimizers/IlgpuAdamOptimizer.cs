using Rnn.Kernels.Ilgpu.Kernels;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Optimizers;

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
    private readonly double _beta1AsDecimal, _beta2AsDecimal;
    private readonly float _firstMomentWeight, _secondMomentGradientScale;

    public IlgpuAdamOptimizer(IlgpuDevice device, int length, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0f)
    {
        HyperparameterCheck.Length(length, nameof(length));
        HyperparameterCheck.InUnitInterval(beta1, nameof(beta1));
        HyperparameterCheck.InUnitInterval(beta2, nameof(beta2));
        HyperparameterCheck.NonNegativeFinite(epsilon, nameof(epsilon));
        HyperparameterCheck.NonNegativeFinite(weightDecay, nameof(weightDecay));
        _device = device;
        Length = length;
        (Beta1, Beta2, Epsilon, WeightDecay) = (beta1, beta2, epsilon, weightDecay);
        _beta1AsDecimal = DecimalWidening.ToDouble(beta1);
        _beta2AsDecimal = DecimalWidening.ToDouble(beta2);
        _firstMomentWeight = (float)(1.0 - _beta1AsDecimal);
        _secondMomentGradientScale = (float)(1.0 - _beta2AsDecimal);
        var a = device.Accelerator;
        (_parameters, _gradients, _firstMoment, _secondMoment) = (new(a), new(a), new(a), new(a));
        device.Kernels.Zero(_firstMoment.Ensure(length), length);
        device.Kernels.Zero(_secondMoment.Ensure(length), length);
    }

    public string Kind => AdamOptimizer.KindName;

    public int Length { get; }

    public long StepCount { get; private set; }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    public float WeightDecay { get; }

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate)
    {
        HyperparameterCheck.Spans(Length, parameters.Length, gradients.Length);
        HyperparameterCheck.NonNegativeFinite(learningRate, nameof(learningRate));
        StepCount++;
        // As AdamOptimizer.Step: bias corrections and step size in double, each coefficient rounded to float once.
        var step = (double)StepCount;
        var biasCorrection1 = 1.0 - Math.Pow(_beta1AsDecimal, step);
        var biasCorrection2 = 1.0 - Math.Pow(_beta2AsDecimal, step);
        var stepSize = DecimalWidening.ToDouble(learningRate) / biasCorrection1;
        var coefficients = new AdamCoefficients(WeightDecay, _firstMomentWeight, 1f - _firstMomentWeight, Beta2,
            _secondMomentGradientScale, (float)Math.Sqrt(biasCorrection2), Epsilon, (float)-stepSize);
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
