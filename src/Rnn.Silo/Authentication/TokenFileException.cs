namespace Rnn.Silo.Authentication;

/// <summary>A tokens file that cannot be used: missing, unreadable, or a malformed line (named in the message).</summary>
public sealed class TokenFileException(string message) : Exception(message);
