namespace Rnn.Client;

/// <summary>
/// A problem a command found that the user can fix (a missing folder, an empty folder, ...). Its message is printed
/// as it is, without a stack trace, and the process exits with <see cref="ExitCode"/>.
/// </summary>
internal sealed class CommandException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
