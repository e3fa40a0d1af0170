using Rnn.Kernels.Losses;
using Rnn.Training.Steps;

namespace Rnn.Client.Progress;

/// <summary>
/// One optimizer step as the CLI shows it. The client's own type (not the kernel's StepMetrics) because the same
/// displays will show steps streamed from a cluster, where the kernel types do not travel.
/// </summary>
/// <param name="Step">Steps done after this one (1 after the first step).</param>
/// <param name="Epoch">1-based epoch this step belongs to.</param>
/// <param name="Loss">Mean loss over the step's samples; not finite when the step was skipped.</param>
/// <param name="Accuracy">Fraction of correct predictions, when the job's loss is a classification loss.</param>
/// <param name="Seconds">Compute time of the step.</param>
/// <param name="Samples">Samples (sequences) in the step's batch.</param>
/// <param name="SkipReason">Why the update was dropped (e.g. a non-finite loss under nan_policy skip_step); null when applied.</param>
internal sealed record TrainingStepReport(
    long Step, int Epoch, double Loss, double? Accuracy, double GradNorm, double LearningRate, double Seconds, int Samples,
    string? SkipReason)
{
    public bool Skipped => SkipReason is not null;

    /// <summary>When the job finished the step (UTC, the silo's clock); null where no producer stamped it.</summary>
    public DateTime? CompletedUtc { get; init; }
}
