namespace Rnn.Kernels.Optimizers;

/// <summary>
/// Adam's validated hyper-parameters and the per-step scalars derived from them, shared by the CPU optimizer and the
/// ILGPU one so both round the same doubles to the same floats. torch computes the bias corrections and the step
/// size in double from the Python scalars (read here as decimals, see <see cref="DecimalWidening"/>) and rounds each
/// to the tensor's dtype once.
/// </summary>
internal sealed class AdamHyperparameters
{
    private readonly double _beta1AsDecimal;
    private readonly double _beta2AsDecimal;
    private readonly float _firstMomentWeight;
    private readonly float _secondMomentGradientScale;

    public AdamHyperparameters(float beta1, float beta2, float epsilon, float weightDecay)
    {
        HyperparameterCheck.InUnitInterval(beta1, nameof(beta1));
        HyperparameterCheck.InUnitInterval(beta2, nameof(beta2));
        HyperparameterCheck.NonNegativeFinite(epsilon, nameof(epsilon));
        HyperparameterCheck.NonNegativeFinite(weightDecay, nameof(weightDecay));
        (Beta1, Beta2, Epsilon, WeightDecay) = (beta1, beta2, epsilon, weightDecay);
        _beta1AsDecimal = DecimalWidening.ToDouble(beta1);
        _beta2AsDecimal = DecimalWidening.ToDouble(beta2);
        // torch passes the Python double 1 - beta to the kernels, which round it to float.
        _firstMomentWeight = (float)(1.0 - _beta1AsDecimal);
        _secondMomentGradientScale = (float)(1.0 - _beta2AsDecimal);
    }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    public float WeightDecay { get; }

    /// <summary>The float32 scalars of step <paramref name="step"/> (1 for the first) at this learning rate.</summary>
    public AdamStepCoefficients Coefficients(long step, float learningRate)
    {
        // Python: bias_correction = 1 - beta ** step (doubles); step_size = lr / bias_correction1.
        var biasCorrection1 = 1.0 - Math.Pow(_beta1AsDecimal, step);
        var biasCorrection2 = 1.0 - Math.Pow(_beta2AsDecimal, step);
        var stepSize = DecimalWidening.ToDouble(learningRate) / biasCorrection1;
        return new AdamStepCoefficients(WeightDecay, _firstMomentWeight, 1f - _firstMomentWeight, Beta2,
            _secondMomentGradientScale, (float)Math.Sqrt(biasCorrection2), Epsilon, (float)-stepSize);
    }
}
