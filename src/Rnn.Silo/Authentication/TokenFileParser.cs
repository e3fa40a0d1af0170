namespace Rnn.Silo.Authentication;

/// <summary>
/// Reads a tokens file: one "token tenant" pair per line separated by white space, '#' starts a comment, blank lines
/// are ignored. Any other line stops the silo with the file and line number, so a typo never silently locks a tenant
/// out or lets a half-parsed line through.
/// </summary>
public static class TokenFileParser
{
    /// <summary>Shortest accepted token: a short token can be guessed.</summary>
    public const int MinTokenLength = 16;

    public static TokenTable Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenFileException($"tokens file '{path}' cannot be read: {e.Message}");
        }
        return Parse(lines, path);
    }

    public static TokenTable Parse(IReadOnlyList<string> lines, string source)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            var where = $"tokens file '{source}' line {i + 1}";
            if (parts.Length != 2)
                throw new TokenFileException($"{where}: expected 'token tenant' (two words), found {parts.Length}");
            var (token, tenant) = (parts[0], parts[1]);
            if (token.Length < MinTokenLength)
                throw new TokenFileException($"{where}: the token is {token.Length} characters; use at least {MinTokenLength}");
            if (TenantNames.Validate(tenant) is { } bad) throw new TokenFileException($"{where}: {bad}");
            if (!pairs.TryAdd(token, tenant)) throw new TokenFileException($"{where}: this token is already listed above");
        }
        if (pairs.Count == 0) throw new TokenFileException($"tokens file '{source}' lists no tokens");
        return new TokenTable(pairs);
    }
}
