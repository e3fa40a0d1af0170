namespace Rnn.Kernels.Optimizers;

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    public ConstantSchedule(float learningRate)
    {
        HyperparameterCheck.NonNegativeFinite(learningRate, nameof(learningRate));
        LearningRate = learningRate;
    }

    public float LearningRate { get; }

    public override float At(long step)
    {
        CheckStep(step);
        return LearningRate;
    }
}
