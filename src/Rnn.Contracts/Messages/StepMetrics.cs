namespace Rnn.Contracts.Messages;

/// <summary>
/// What one synchronous step did, published on the job's metrics stream after the step. Loss is the mean over the
/// global batch; Accuracy only for classification; GradNorm is NaN and SkipReason set when a shard's gradient was
/// not finite and the step was skipped (training.nan_policy "skip_step").
/// </summary>
[GenerateSerializer]
[Alias("Rnn.StepMetrics")]
public sealed record StepMetrics(
    [property: Id(0)] string JobId,
    [property: Id(1)] long Step,
    [property: Id(2)] int Epoch,
    [property: Id(3)] double Loss,
    [property: Id(4)] double? Accuracy,
    [property: Id(5)] double SamplesPerSecond,
    [property: Id(6)] double GradNorm,
    [property: Id(7)] double LearningRate,
    [property: Id(8)] double Seconds,
    [property: Id(9)] IReadOnlyList<ShardComputeTime> Shards,
    [property: Id(10)] string? SkipReason)
{
    /// <summary>When the job finished the step (UTC), for the watch lag; null where the producer does not stamp it.</summary>
    [Id(11)]
    public DateTime? CompletedUtc { get; init; }
}
