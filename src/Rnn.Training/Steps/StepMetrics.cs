namespace Rnn.Training.Steps;

/// <summary>
/// What one optimizer step did, the one record for it everywhere: the single-process trainer returns it, the job
/// grain publishes it on the job's metrics stream, the API maps it to the wire. Loss is the mean over the global
/// batch; Accuracy only for classification; GradNorm is NaN and SkipReason set when a shard's gradient was not
/// finite and the step was skipped (training.nan_policy "skip_step"). Shards: each shard's compute time and silo
/// (empty in one process).
/// </summary>
[GenerateSerializer]
[Alias("Rnn.StepMetrics")]
public sealed record StepMetrics(
    [property: Id(0)] long Step,
    [property: Id(1)] int Epoch,
    [property: Id(2)] double Loss,
    [property: Id(3)] double? Accuracy,
    [property: Id(4)] double GradNorm,
    [property: Id(5)] double LearningRate,
    [property: Id(6)] double Seconds,
    [property: Id(7)] int Samples,
    [property: Id(8)] string? SkipReason)
{
    [Id(9)] public IReadOnlyList<ShardComputeTime> Shards { get; init; } = [];

    public double SamplesPerSecond => Seconds > 0 ? Samples / Seconds : 0;
}
