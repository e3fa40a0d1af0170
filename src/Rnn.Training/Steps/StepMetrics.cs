using Rnn.Kernels.Losses;

namespace Rnn.Training.Steps;

/// <summary>
/// What one optimizer step did. Loss is the mean over the global batch; Accuracy only for classification;
/// SkipReason is set when the step's gradient was not finite and the job's nan_policy skipped it.
/// </summary>
public sealed record StepMetrics(long Step, int Epoch, double Loss, double? Accuracy, double GradNorm,
    double LearningRate, double Seconds, int Samples, string? SkipReason)
{
    public double SamplesPerSecond => Seconds > 0 ? Samples / Seconds : 0;
}
