using Rnn.Training.Data;
using Rnn.Training.Jobs;
using Rnn.Training.Safetensors;
using Rnn.Training.Steps;
using Rnn.Client;
using Rnn.Contracts.Clients;

namespace Rnn.Client.Commands;

/// <summary>
/// Turns an exception that escaped a command into a message on stderr and an exit code. Expected problems (bad job,
/// bad data) get their message only: it already names the file or field and the fix, and a stack trace would bury it.
/// Anything else is a bug: one line, and the stack only with --verbose.
/// </summary>
internal static class ErrorReporter
{
    public const string VerboseHint = "rnn: this is a bug in rnn; rerun with --verbose to print the stack trace, and report it";

    public static int Report(Exception exception, TextWriter error, bool verbose)
    {
        var report = Describe(exception, verbose);
        error.WriteLine(report.Message);
        return report.ExitCode;
    }

    public static ErrorReport Describe(Exception exception, bool verbose) => exception switch
    {
        CommandException e => new(e.ExitCode, $"rnn: {e.Message}"),
        TrainingClientException e => new(ExitCodeOf(e.Kind), $"rnn: {e.Message}"),
        // One line per problem, each already "source: field: message".
        JobValidationException e => new(ExitCodes.InvalidJob, e.Message),
        // Stopped on purpose (nan_policy "fail"): the run ran and failed; the message says at which step and why.
        TrainingFailedException e => new(ExitCodes.Failed, $"rnn: training failed: {e.Message}"),
        DataFormatException or SafetensorsFormatException => new(ExitCodes.DataError, $"rnn: {exception.Message}"),
        FileNotFoundException e => new(ExitCodes.DataError, $"rnn: {WithFileName(e.Message, e.FileName)}"),
        DirectoryNotFoundException e => new(ExitCodes.DataError, $"rnn: {e.Message}"),
        OperationCanceledException => new(ExitCodes.Interrupted, "rnn: interrupted"),
        _ => new(ExitCodes.InternalError, $"rnn: internal error: {OneLine(exception.Message)}{Environment.NewLine}" +
            (verbose ? exception.ToString() : VerboseHint)),
    };

    public static int ExitCodeOf(TrainingErrorKind kind) => kind switch
    {
        TrainingErrorKind.InvalidArgument => ExitCodes.InvalidJob,
        TrainingErrorKind.NotFound => ExitCodes.NotFound,
        TrainingErrorKind.Unauthenticated or TrainingErrorKind.PermissionDenied => ExitCodes.NotAuthorized,
        TrainingErrorKind.ResourceExhausted => ExitCodes.LimitExceeded,
        TrainingErrorKind.Unavailable => ExitCodes.CannotConnect,
        _ => ExitCodes.Failed,
    };

    // FileNotFoundException's message does not always carry the path; the user needs it to fix anything.
    private static string WithFileName(string message, string? fileName) =>
        fileName is null || message.Contains(fileName, StringComparison.Ordinal) ? message : $"{message} ({fileName})";

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
