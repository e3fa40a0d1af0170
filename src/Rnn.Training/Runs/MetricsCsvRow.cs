namespace Rnn.Training.Runs;

/// <summary>One row of metrics.csv as <see cref="MetricsCsvReader"/> reads it back (non-finite values written empty read as NaN).</summary>
public sealed record MetricsCsvRow(long Step, int Epoch, double Loss, double? Accuracy, double GradNorm, double LearningRate,
    double SamplesPerSecond, double Seconds, bool Skipped);
