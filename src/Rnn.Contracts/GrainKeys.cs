namespace Rnn.Contracts;

/// <summary>
/// The string keys of a job's grains. A job id may not contain '/', so "{jobId}/{index}" splits unambiguously.
/// </summary>
public static class GrainKeys
{
    public static string Shard(string jobId, int shard) => $"{jobId}/{shard}";

    public static string ParameterServer(string jobId, int block) => $"{jobId}/{block}";

    /// <summary>Splits "{jobId}/{index}" back into its parts.</summary>
    public static (string JobId, int Index) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var index))
            throw new ArgumentException($"grain key '{key}' is not of the form '{{jobId}}/{{index}}'", nameof(key));
        return (key[..slash], index);
    }

    /// <summary>Null when <paramref name="jobId"/> is usable as a key, else why not.</summary>
    public static string? ValidateJobId(string jobId) =>
        string.IsNullOrWhiteSpace(jobId) ? "a job id must not be empty"
        : jobId.Contains('/', StringComparison.Ordinal) ? $"job id '{jobId}' must not contain '/'"
        : jobId.Length > 200 ? "a job id must be at most 200 characters"
        : null;
}
