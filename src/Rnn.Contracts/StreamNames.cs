namespace Rnn.Contracts;

/// <summary>
/// The Orleans stream provider and namespaces on which a job publishes its progress (stream key: job id). Step metrics
/// and evaluations go on two sibling streams rather than one: Orleans stream subscribers are typed, and an item of
/// another type on a <c>GetStream&lt;StepMetrics&gt;</c> stream fails delivery with an InvalidCastException.
/// </summary>
public static class StreamNames
{
    public const string Provider = "rnn-streams";

    /// <summary>Namespace of the <see cref="Messages.StepMetrics"/> stream: one item after every step.</summary>
    public const string MetricsNamespace = "rnn.job.metrics";

    /// <summary>Namespace of the <see cref="Messages.EvaluationMetrics"/> stream: one item per test-split evaluation.</summary>
    public const string EvaluationNamespace = "rnn.job.evaluations";
}
