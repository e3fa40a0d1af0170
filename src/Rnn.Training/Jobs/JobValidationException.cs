namespace Rnn.Training.Jobs;

/// <summary>
/// A job file that cannot run, with every problem found (not only the first), so a user fixes them in one pass.
/// The message has one line per error: <c>{source}: {field}: {message}</c>.
/// </summary>
public sealed class JobValidationException : Exception
{
    public JobValidationException(string sourceName, IReadOnlyList<JobValidationError> errors)
        : base(FormatMessage(sourceName, errors))
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0) throw new ArgumentException("A validation exception needs at least one error.", nameof(errors));
        SourceName = sourceName;
        Errors = errors;
    }

    /// <summary>The job file's path or the name the caller gave the JSON text.</summary>
    public string SourceName { get; }

    public IReadOnlyList<JobValidationError> Errors { get; }

    private static string FormatMessage(string sourceName, IReadOnlyList<JobValidationError> errors) =>
        string.Join(Environment.NewLine, errors.Select(e => $"{sourceName}: {e.Field}: {e.Message}"));
}
