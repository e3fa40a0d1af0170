namespace Rnn.Training.Steps;

/// <summary>Test-split metrics by name: loss, accuracy, bits_per_char, rmse, baseline_rmse as they apply.</summary>
public sealed record EvaluationResult(IReadOnlyDictionary<string, double> Metrics);
