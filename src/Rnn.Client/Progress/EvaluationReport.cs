namespace Rnn.Client.Progress;

/// <summary>Test-split metrics (e.g. loss, accuracy) after <paramref name="Step"/> steps.</summary>
internal sealed record EvaluationReport(long Step, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>When the job finished the evaluation (UTC, the silo's clock); null where no producer stamped it.</summary>
    public DateTime? CompletedUtc { get; init; }
}
