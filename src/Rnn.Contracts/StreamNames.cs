namespace Rnn.Contracts;

/// <summary>The Orleans stream provider and namespace on which a job publishes its metrics (stream key: job id).</summary>
public static class StreamNames
{
    public const string Provider = "rnn-streams";

    public const string MetricsNamespace = "rnn.job.metrics";
}
