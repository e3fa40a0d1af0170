using Rnn.Kernels.Losses;

namespace Rnn.Training.Jobs;

/// <summary>The metric names a job file may list in <c>metrics</c>.</summary>
public static class MetricNames
{
    /// <summary>Fraction of correct arg-max predictions; only meaningful with cross-entropy.</summary>
    public const string Accuracy = "accuracy";

    public static IReadOnlyList<string> All { get; } = [Accuracy];
}
