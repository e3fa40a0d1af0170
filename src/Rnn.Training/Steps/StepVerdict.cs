namespace Rnn.Training.Steps;

/// <summary>
/// The reduced step before any parameter moves: the global loss (mean over <see cref="LossCount"/> loss elements),
/// accuracy for classification, the step's learning rate and epoch, and why it is skipped (null when it is applied).
/// </summary>
public sealed record StepVerdict(long Step, int Epoch, double Loss, double? Accuracy, double LearningRate, int LossCount,
    string? SkipReason);
