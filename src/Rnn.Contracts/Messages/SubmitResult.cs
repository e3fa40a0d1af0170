namespace Rnn.Contracts.Messages;

/// <summary>
/// The answer to a submission, given at once: accepted (the job is queued and runs on its own) or rejected with
/// every problem found, each naming its field. Rejection is a value, not an exception, so that clients of any
/// transport see the same field list.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.SubmitResult")]
public sealed record SubmitResult(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] IReadOnlyList<JobFieldError> Errors)
{
    public static SubmitResult Ok { get; } = new(true, []);

    /// <summary>One line per error, "field: message".</summary>
    public string Message => string.Join(Environment.NewLine, Errors.Select(e => e.ToString()));
}
