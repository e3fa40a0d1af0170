using System.Security.Cryptography;

namespace Rnn.Training.Jobs;

/// <summary>
/// A data file as it was when its job was resolved: its length and SHA-256. The table kinds' shards read only their
/// own rows, so nothing they read could show that the rest of the file changed; the stamp does.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.DataFileStamp")]
[Immutable]
public sealed record DataFileStamp
{
    /// <summary>The file's absolute path.</summary>
    [Id(0)] public required string Path { get; init; }

    [Id(1)] public required long Length { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
    [Id(2)] public required string Sha256 { get; init; }

    /// <summary>The stamp of <paramref name="path"/> as it is now (one streamed pass over the file).</summary>
    public static DataFileStamp Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return new DataFileStamp { Path = path, Length = file.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(file)) };
    }
}
