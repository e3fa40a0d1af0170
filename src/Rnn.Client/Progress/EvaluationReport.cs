namespace Rnn.Client.Progress;

/// <summary>Test-split metrics (e.g. loss, accuracy) after <paramref name="Step"/> steps.</summary>
internal sealed record EvaluationReport(long Step, IReadOnlyDictionary<string, double> Metrics);
