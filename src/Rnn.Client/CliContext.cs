namespace Rnn.Client;

/// <summary>
/// Where a command writes. <see cref="InteractiveOutput"/> is true only when <see cref="Out"/> is a terminal: live,
/// redrawn displays (and ANSI escape codes) are used only then, so redirected output stays plain text.
/// </summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, bool InteractiveOutput);
