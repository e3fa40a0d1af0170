namespace Rnn.Contracts.Messages;

/// <summary>
/// What a shard's step produced besides its gradient (which went to the parameter servers): the loss summed over its
/// loss elements and their count, correct rows for accuracy, whether every gradient element was finite, and where and
/// how long it computed.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.ShardStepReport")]
public sealed record ShardStepReport(
    [property: Id(0)] int Shard,
    [property: Id(1)] long Step,
    [property: Id(2)] double LossSum,
    [property: Id(3)] int LossCount,
    [property: Id(4)] int Correct,
    [property: Id(5)] int Rows,
    [property: Id(6)] bool GradientFinite,
    [property: Id(7)] double ComputeSeconds,
    [property: Id(8)] string Silo);
