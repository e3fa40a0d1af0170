namespace Rnn.Client.Progress;

/// <summary>Running figures after a step, for the displays.</summary>
/// <param name="Elapsed">Wall time since the first step of this invocation started.</param>
/// <param name="SamplesPerSecond">Samples per wall-clock second over this invocation.</param>
/// <param name="Remaining">Estimated time to the last step; null before any step is done.</param>
/// <param name="EpochLoss">Mean loss over the applied steps of the current epoch so far (what Keras shows as "loss").</param>
/// <param name="EpochAccuracy">Sample-weighted mean accuracy over the current epoch so far, when steps report one.</param>
internal sealed record ProgressSnapshot(
    TimeSpan Elapsed, double SamplesPerSecond, TimeSpan? Remaining, double? EpochLoss, double? EpochAccuracy);
