namespace Rnn.Contracts.Messages;

/// <summary>
/// Test-split metrics after <see cref="Step"/> steps (at each epoch end, every training.eval_every steps, and at the end
/// of the run), published on the job's metrics stream next to <see cref="StepMetrics"/>. Names as in summary.json:
/// loss, accuracy, bits_per_char, rmse, baseline_rmse, as they apply.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.EvaluationMetrics")]
public sealed record EvaluationMetrics(
    [property: Id(0)] string JobId,
    [property: Id(1)] long Step,
    [property: Id(2)] int Epoch,
    [property: Id(3)] IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>
    /// When the job finished the evaluation (UTC, the silo's clock): two epoch-end evaluations' difference is the epoch's
    /// time whatever the stream's lag; null where the producer does not stamp it (the run folder's history).
    /// </summary>
    [Id(4)] public DateTime? CompletedUtc { get; init; }
}
