using System.Security.Cryptography;

namespace Rnn.Training.Jobs;

/// <summary>
/// A data file as it was when its job was resolved: its length and SHA-256. The table kinds' shards read only their
/// own rows, so nothing they read could show that the rest of the file changed; the stamp does. It names no path (the
/// job's data section does), so a model file that carries its resolved job shows no silo's folders.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.DataFileStamp")]
[Immutable]
public sealed record DataFileStamp
{
    [Id(0)] public required long Length { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
    [Id(1)] public required string Sha256 { get; init; }

    /// <summary>The stamp of <paramref name="path"/> as it is now (one streamed pass over the file); null for no path.</summary>
    public static DataFileStamp? Of(string? path)
    {
        if (path is null) return null;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return new DataFileStamp { Length = file.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(file)) };
    }
}
