namespace Rnn.Kernels.Optimizers;

/// <summary>
/// Linear warm-up, then cosine decay (the shape of Hugging Face's get_cosine_schedule_with_warmup, with a floor):
/// <code>
/// step &lt; warmupSteps:               lr · (step + 1) / warmupSteps        (reaches lr on the last warm-up step)
/// warmupSteps &lt;= step &lt; totalSteps:  minLr + (lr − minLr) · ½ (1 + cos(π · (step − warmupSteps) / (totalSteps − warmupSteps)))
/// step &gt;= totalSteps:               minLr
/// </code>
/// Warm-up counts from step + 1 so that the first step does not waste itself at rate 0. The cosine runs over the
/// totalSteps − warmupSteps remaining steps and reaches minLr at step totalSteps, just after the last step of the
/// run, so no step of the run is spent at exactly minLr. Computed in double, rounded to float once.
/// </summary>
public sealed class CosineWarmupSchedule : LearningRateSchedule
{
    private readonly double _learningRateAsDecimal;
    private readonly double _minLearningRateAsDecimal;

    public CosineWarmupSchedule(float learningRate, long warmupSteps, long totalSteps, float minLearningRate = 0f)
    {
        HyperparameterCheck.NonNegativeFinite(learningRate, nameof(learningRate));
        HyperparameterCheck.NonNegativeFinite(minLearningRate, nameof(minLearningRate));
        if (warmupSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warmupSteps must be >= 0");
        if (totalSteps < warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps,
                $"totalSteps must be >= warmupSteps ({warmupSteps})");
        if (minLearningRate > learningRate)
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate,
                $"minLearningRate must not exceed learningRate ({learningRate})");
        LearningRate = learningRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
        _learningRateAsDecimal = DecimalWidening.ToDouble(learningRate);
        _minLearningRateAsDecimal = DecimalWidening.ToDouble(minLearningRate);
    }

    public float LearningRate { get; }

    public long WarmupSteps { get; }

    public long TotalSteps { get; }

    public float MinLearningRate { get; }

    public override float At(long step)
    {
        CheckStep(step);
        if (step < WarmupSteps) return (float)(_learningRateAsDecimal * (step + 1) / WarmupSteps);
        if (step >= TotalSteps) return MinLearningRate;
        var progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        var cosine = 0.5 * (1.0 + Math.Cos(Math.PI * progress));
        return (float)(_minLearningRateAsDecimal + (_learningRateAsDecimal - _minLearningRateAsDecimal) * cosine);
    }
}
