namespace Rnn.Training.Jobs;

/// <summary>
/// What the data section yielded: the spec when it is fully valid, and the kind, horizon and target on their own
/// when they are, so the model checks can still run (and report) when another data field is wrong.
/// </summary>
internal sealed record DataSectionResult(string? Kind, int? Horizon, DataSpec? Spec, string? Target = null);
