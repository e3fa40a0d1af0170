using System.Text.Json.Serialization;
using Rnn.Contracts.Messages;

namespace Rnn.Silo.Jobs;

/// <summary>outcome.json in a job folder: how the run ended (completed, failed with why, cancelled) and at which step.</summary>
public sealed record RunOutcome(
    [property: JsonPropertyName("state")] JobState State,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("reason")] string? Reason);
