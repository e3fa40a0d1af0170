namespace Rnn.Kernels.Optimizers;

/// <summary>
/// Adam's validated hyper-parameters and the per-step scalars derived from them, shared by the CPU optimizer and the
/// ILGPU one so both round the same doubles to the same floats. The hyper-parameters and the learning rate arrive as
/// the doubles a job file holds (PyTorch keeps them as Python floats); torch computes the bias corrections and the
/// step size in double and rounds each to the tensor's dtype once, and so does this.
/// </summary>
internal sealed class AdamHyperparameters
{
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly float _firstMomentWeight;
    private readonly float _secondMomentGradientScale;

    public AdamHyperparameters(double beta1, double beta2, double epsilon, double weightDecay)
    {
        HyperparameterCheck.InUnitInterval(beta1, nameof(beta1));
        HyperparameterCheck.InUnitInterval(beta2, nameof(beta2));
        HyperparameterCheck.NonNegativeFinite(epsilon, nameof(epsilon));
        HyperparameterCheck.NonNegativeFinite(weightDecay, nameof(weightDecay));
        (_beta1, _beta2) = (beta1, beta2);
        (Beta1, Beta2, Epsilon, WeightDecay) = ((float)beta1, (float)beta2, (float)epsilon, (float)weightDecay);
        // torch passes the Python double 1 - beta to the kernels, which round it to float.
        _firstMomentWeight = (float)(1.0 - beta1);
        _secondMomentGradientScale = (float)(1.0 - beta2);
    }

    /// <summary>beta1 as the float32 kernels use it.</summary>
    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    public float WeightDecay { get; }

    /// <summary>The float32 scalars of step <paramref name="step"/> (1 for the first) at this learning rate.</summary>
    public AdamStepCoefficients Coefficients(long step, double learningRate)
    {
        // Python: bias_correction = 1 - beta ** step (doubles); step_size = lr / bias_correction1.
        var biasCorrection1 = 1.0 - Math.Pow(_beta1, step);
        var biasCorrection2 = 1.0 - Math.Pow(_beta2, step);
        var stepSize = learningRate / biasCorrection1;
        return new AdamStepCoefficients(WeightDecay, _firstMomentWeight, 1f - _firstMomentWeight, Beta2,
            _secondMomentGradientScale, (float)Math.Sqrt(biasCorrection2), Epsilon, (float)-stepSize);
    }
}
