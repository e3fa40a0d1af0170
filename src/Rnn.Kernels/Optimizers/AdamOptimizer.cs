using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Kernels.Optimizers;

/// <summary>
/// torch.optim.Adam (amsgrad=False, foreach=False, fused=False: the single-tensor path) in float32, one block of the
/// flat parameter vector per instance. Per element, in torch's operation order:
/// <code>
/// t += 1
/// g = g + weight_decay * p                         (L2 penalty, only when weight_decay != 0)
/// m = m + (1 - beta1) * (g - m)                    (exp_avg.lerp_(grad, 1 - beta1); beta1 &lt;= 0.5 uses the other lerp form)
/// v = beta2 * v + ((1 - beta2) * g) * g            (exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2))
/// denom = sqrt(v) / sqrt(1 - beta2^t) + eps        (eps after the square root)
/// p = p + (-(lr / (1 - beta1^t)) * m) / denom      (param.addcdiv_(exp_avg, denom, value=-step_size))
/// </code>
/// The scalar coefficients are computed in double from the job's double hyper-parameters, then rounded to float
/// once, as torch rounds a Python scalar to the tensor's dtype.
/// No fused multiply-add anywhere, so the Vector512 and Vector256 bodies and the scalar tail give identical bits and any block split
/// (blocks, or <see cref="UpdateRange"/>'s ranges) gives the same result as the whole vector. (torch's own AVX2 lerp and add-with-alpha use an FMA; from the second
/// step on an element may therefore differ from torch's vectorised CPU path by an ulp. Step one does not.)
/// </summary>
public sealed class AdamOptimizer : IRangeOptimizer
{
    public const string KindName = "adam";
    public const string FirstMomentBuffer = "exp_avg";
    public const string SecondMomentBuffer = "exp_avg_sq";

    private readonly float[] _firstMoment;
    private readonly float[] _secondMoment;
    private readonly AdamHyperparameters _hyperparameters;
    // The scalars of the step begun last (BeginStep).
    private AdamStepCoefficients _coefficients;

    public AdamOptimizer(int length, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 0)
    {
        HyperparameterCheck.Length(length, nameof(length));
        _hyperparameters = new AdamHyperparameters(beta1, beta2, epsilon, weightDecay);
        _firstMoment = new float[length];
        _secondMoment = new float[length];
    }

    public string Kind => KindName;

    public int Length => _firstMoment.Length;

    public long StepCount { get; private set; }

    public float Beta1 => _hyperparameters.Beta1;

    public float Beta2 => _hyperparameters.Beta2;

    public float Epsilon => _hyperparameters.Epsilon;

    public float WeightDecay => _hyperparameters.WeightDecay;

    /// <summary>The first moment (exp_avg) of this block, read-only.</summary>
    public ReadOnlySpan<float> FirstMoment => _firstMoment;

    /// <summary>The second moment (exp_avg_sq) of this block, read-only.</summary>
    public ReadOnlySpan<float> SecondMoment => _secondMoment;

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, double learningRate)
    {
        HyperparameterCheck.Spans(Length, parameters.Length, gradients.Length);
        BeginStep(learningRate);
        UpdateRange(parameters, gradients, 0);
    }

    public void BeginStep(double learningRate)
    {
        HyperparameterCheck.NonNegativeFinite(learningRate, nameof(learningRate));
        StepCount++;
        _coefficients = _hyperparameters.Coefficients(StepCount, learningRate);
    }

    public void UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradients, int offset)
    {
        HyperparameterCheck.Range(Length, offset, parameters.Length, gradients.Length);
        Update(parameters, gradients, _firstMoment.AsSpan(offset, parameters.Length),
            _secondMoment.AsSpan(offset, parameters.Length), _coefficients);
    }

    public OptimizerState ExportState() => new(KindName, StepCount, new Dictionary<string, float[]>
    {
        [FirstMomentBuffer] = (float[])_firstMoment.Clone(),
        [SecondMomentBuffer] = (float[])_secondMoment.Clone(),
    });

    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.RequireKind(KindName);
        var firstMoment = state.RequireBuffer(FirstMomentBuffer, Length);
        var secondMoment = state.RequireBuffer(SecondMomentBuffer, Length);
        firstMoment.CopyTo(_firstMoment, 0);
        secondMoment.CopyTo(_secondMoment, 0);
        StepCount = state.StepCount;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> firstMoment,
        Span<float> secondMoment, AdamStepCoefficients c)
    {
        var length = parameters.Length;
        ref var p0 = ref MemoryMarshal.GetReference(parameters);
        ref var g0 = ref MemoryMarshal.GetReference(gradients);
        ref var m0 = ref MemoryMarshal.GetReference(firstMoment);
        ref var v0 = ref MemoryMarshal.GetReference(secondMoment);
        var decay = c.WeightDecay != 0f;
        // torch's lerp switches form at |weight| = 0.5 for accuracy; the choice is per optimizer, not per element.
        var smallWeight = c.FirstMomentWeight < 0.5f;
        var oneMinusWeight = c.OneMinusFirstMomentWeight;
        var i = 0;

        if (Vector512.IsHardwareAccelerated)
        {
            // The Vector256 body below on sixteen lanes: the same operations, so the same bits.
            var weightDecay = Vector512.Create(c.WeightDecay);
            var weight = Vector512.Create(c.FirstMomentWeight);
            var oneMinusWeightV = Vector512.Create(oneMinusWeight);
            var beta2 = Vector512.Create(c.Beta2);
            var gradientScale = Vector512.Create(c.SecondMomentGradientScale);
            var correction2Sqrt = Vector512.Create(c.BiasCorrection2Sqrt);
            var epsilon = Vector512.Create(c.Epsilon);
            var negativeStepSize = Vector512.Create(c.NegativeStepSize);
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var offset = (nuint)i;
                var p = Vector512.LoadUnsafe(ref p0, offset);
                var g = Vector512.LoadUnsafe(ref g0, offset);
                var m = Vector512.LoadUnsafe(ref m0, offset);
                var v = Vector512.LoadUnsafe(ref v0, offset);
                if (decay) g += weightDecay * p;
                m = smallWeight ? m + weight * (g - m) : g - (g - m) * oneMinusWeightV;
                v = v * beta2 + gradientScale * g * g;
                var denominator = Vector512.Sqrt(v) / correction2Sqrt + epsilon;
                p += negativeStepSize * m / denominator;
                m.StoreUnsafe(ref m0, offset);
                v.StoreUnsafe(ref v0, offset);
                p.StoreUnsafe(ref p0, offset);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var weightDecay = Vector256.Create(c.WeightDecay);
            var weight = Vector256.Create(c.FirstMomentWeight);
            var oneMinusWeightV = Vector256.Create(oneMinusWeight);
            var beta2 = Vector256.Create(c.Beta2);
            var gradientScale = Vector256.Create(c.SecondMomentGradientScale);
            var correction2Sqrt = Vector256.Create(c.BiasCorrection2Sqrt);
            var epsilon = Vector256.Create(c.Epsilon);
            var negativeStepSize = Vector256.Create(c.NegativeStepSize);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var offset = (nuint)i;
                var p = Vector256.LoadUnsafe(ref p0, offset);
                var g = Vector256.LoadUnsafe(ref g0, offset);
                var m = Vector256.LoadUnsafe(ref m0, offset);
                var v = Vector256.LoadUnsafe(ref v0, offset);
                // g = g + wd·p
                if (decay) g += weightDecay * p;
                // m = lerp(m, g, w)
                m = smallWeight ? m + weight * (g - m) : g - (g - m) * oneMinusWeightV;
                // v = β2·v + (c·g)·g
                v = v * beta2 + gradientScale * g * g;
                // p = p + (−s·m) / (√v / √bc2 + ε)
                var denominator = Vector256.Sqrt(v) / correction2Sqrt + epsilon;
                p += negativeStepSize * m / denominator;
                m.StoreUnsafe(ref m0, offset);
                v.StoreUnsafe(ref v0, offset);
                p.StoreUnsafe(ref p0, offset);
            }
        }

        // Scalar tail: the same operations in the same order as the vector body above.
        for (; i < length; i++)
        {
            ref var p = ref Unsafe.Add(ref p0, i);
            ref var m = ref Unsafe.Add(ref m0, i);
            ref var v = ref Unsafe.Add(ref v0, i);
            var g = Unsafe.Add(ref g0, i);
            // g = g + wd·p
            if (decay) g += c.WeightDecay * p;
            // m = lerp(m, g, w)
            m = smallWeight ? m + c.FirstMomentWeight * (g - m) : g - (g - m) * oneMinusWeight;
            // v = β2·v + (c·g)·g
            v = v * c.Beta2 + c.SecondMomentGradientScale * g * g;
            // p = p + (−s·m) / (√v / √bc2 + ε)
            var denominator = MathF.Sqrt(v) / c.BiasCorrection2Sqrt + c.Epsilon;
            p += c.NegativeStepSize * m / denominator;
        }
    }
}
