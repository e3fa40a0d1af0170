namespace Rnn.Client;

/// <summary>What to tell the user about a failed command: the exit code and the text for stderr (one or more lines).</summary>
internal sealed record ErrorReport(int ExitCode, string Message);
