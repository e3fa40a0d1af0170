using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rnn.Training.Jobs;

/// <summary>
/// The canonical JSON form of a <see cref="ResolvedJob"/>: the content hash is SHA-256 over it (with the hash field
/// empty), and a run folder keeps it as <c>resolved-job.json</c> so a job whose grain state was lost resumes from
/// exactly what it was resolved to, without reading the job file again. Reader beside writer.
/// </summary>
public static class ResolvedJobFile
{
    public const string FileName = "resolved-job.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Lower-case hex SHA-256 of the canonical form, <see cref="ResolvedJob.ContentHash"/> left out.</summary>
    public static string Hash(ResolvedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(job with { ContentHash = "" }, Options);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    public static string Serialize(ResolvedJob job) => JsonSerializer.Serialize(job, Options);

    /// <exception cref="InvalidDataException">The text is not a resolved job, or its hash does not match its content.</exception>
    public static ResolvedJob Deserialize(string json, string sourceName)
    {
        ResolvedJob? job;
        try
        {
            job = JsonSerializer.Deserialize<ResolvedJob>(json, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sourceName} is not a resolved job ({e.Message}); it was damaged or written by hand", e);
        }
        if (job is null) throw new InvalidDataException($"{sourceName} holds null instead of a resolved job");
        var hash = Hash(job);
        if (hash != job.ContentHash)
            throw new InvalidDataException($"{sourceName} was changed after it was written: its content hashes to {hash}, " +
                $"but it records {job.ContentHash}");
        return job;
    }

    public static void Write(string path, ResolvedJob job) => File.WriteAllText(path, Serialize(job), Encoding.UTF8);

    public static ResolvedJob Read(string path) => Deserialize(File.ReadAllText(path, Encoding.UTF8), path);
}
