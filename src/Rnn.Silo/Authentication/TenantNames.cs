namespace Rnn.Silo.Authentication;

/// <summary>What a tenant may be called: it keys a grain and appears in logs, so a short plain word.</summary>
public static class TenantNames
{
    /// <summary>The tenant of every call when the silo runs with --insecure-dev.</summary>
    public const string InsecureDev = "dev";

    public static string? Validate(string tenant) =>
        tenant.Length is 0 or > 64 || tenant.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            ? $"tenant '{tenant}' must be 1 to 64 letters, digits, '.', '_' or '-'"
            : null;
}
