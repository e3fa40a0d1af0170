using Rnn.Contracts.Messages;
using Rnn.Client.Progress;

namespace Rnn.Client.Training;

/// <summary>How a job ended on the cluster, as its job grain reports it.</summary>
/// <param name="Steps">Steps done.</param>
/// <param name="FailureReason">Why the job failed; null unless <paramref name="State"/> is Failed.</param>
/// <param name="ParametersSha256">SHA-256 of the final float32 parameters in name order; null unless completed.</param>
/// <param name="Test">The final test-split metrics, when the job reported them.</param>
/// <param name="Files">Full paths of the run folder's files that exist.</param>
internal sealed record TrainingResult(
    JobState State, long Steps, string? FailureReason, string? ParametersSha256, EvaluationReport? Test,
    IReadOnlyList<string> Files)
{
    /// <summary>Why a completed job stopped before its last step (training.early_stopping); null when it ran them all.</summary>
    public string? StoppedEarly { get; init; }
}
