namespace Rnn.Training.Data;

/// <summary>
/// A data set that reads fine but is too small for the job's split and window (a series or text too short once the
/// test part is held out). Thrown while the job is resolved, so it is refused at submission naming the job field to
/// change (<see cref="Field"/>) rather than failing in training; the message names the file and the fix.
/// </summary>
public sealed class DataSplitException(string field, string message) : Exception(message)
{
    /// <summary>The job file field the message tells the user to change (e.g. <c>data.test_fraction</c>).</summary>
    public string Field { get; } = field;
}
