namespace Rnn.Kernels.Optimizers;

/// <summary>
/// torch.optim.lr_scheduler.StepLR: lr · gamma^⌊step / stepSize⌋, computed in double (closed form) from the
/// hyper-parameters read as decimals and rounded to float once.
/// </summary>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    private readonly double _learningRateAsDecimal;
    private readonly double _gammaAsDecimal;

    public StepDecaySchedule(float learningRate, long stepSize, float gamma)
    {
        HyperparameterCheck.NonNegativeFinite(learningRate, nameof(learningRate));
        HyperparameterCheck.NonNegativeFinite(gamma, nameof(gamma));
        if (stepSize < 1) throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "stepSize must be >= 1");
        LearningRate = learningRate;
        StepSize = stepSize;
        Gamma = gamma;
        _learningRateAsDecimal = DecimalWidening.ToDouble(learningRate);
        _gammaAsDecimal = DecimalWidening.ToDouble(gamma);
    }

    public float LearningRate { get; }

    public long StepSize { get; }

    public float Gamma { get; }

    public override float At(long step)
    {
        CheckStep(step);
        return (float)(_learningRateAsDecimal * Math.Pow(_gammaAsDecimal, step / StepSize));
    }
}
