namespace Rnn.Silo.Authentication;

/// <summary>How callers are authenticated: the tokens file's table, or null for --insecure-dev (every call is "dev").</summary>
public sealed record ApiAuthentication(TokenTable? Tokens)
{
    public bool IsInsecureDev => Tokens is null;
}
