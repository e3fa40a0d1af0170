namespace Rnn.Contracts.Messages;

/// <summary>
/// The values of a completed job's summary.json: steps, wall time and throughput, the final test metrics by name and
/// the parameter hash.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.JobSummary")]
public sealed record JobSummary(
    [property: Id(0)] long Steps,
    [property: Id(1)] double WallSeconds,
    [property: Id(2)] double SamplesPerSecond,
    [property: Id(3)] double FinalLoss,
    [property: Id(4)] IReadOnlyDictionary<string, double> Test,
    [property: Id(5)] string ParametersSha256,
    [property: Id(6)] int SkippedSteps)
{
    /// <summary>Why the run ended before its last step (training.early_stopping); null when it ran every step.</summary>
    [Id(7)] public string? StoppedEarly { get; init; }
}
