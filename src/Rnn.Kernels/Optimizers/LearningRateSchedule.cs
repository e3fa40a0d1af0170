namespace Rnn.Kernels.Optimizers;

/// <summary>
/// The learning rate as a pure function of the step, so a resumed or replayed run gets the same rates without any
/// schedule state to checkpoint. <c>step</c> is the 0-based index of the optimizer step about to be taken (the
/// optimizer's StepCount before the step), which is PyTorch's scheduler <c>last_epoch</c> when the scheduler is
/// stepped once after every optimizer step.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for step <paramref name="step"/> (0-based, &gt;= 0).</summary>
    public abstract float At(long step);

    protected static void CheckStep(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "step must not be negative");
    }
}
