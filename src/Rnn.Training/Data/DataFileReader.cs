using System.IO.Compression;

namespace Rnn.Training.Data;

/// <summary>Opening data files the same way for every reader: clear not-found errors and transparent gzip.</summary>
internal static class DataFileReader
{
    private const byte GzipMagic0 = 0x1f;
    private const byte GzipMagic1 = 0x8b;

    /// <summary>The full path of an existing file, or a <see cref="FileNotFoundException"/> saying what was sought.</summary>
    public static string RequireFile(string path, string description)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
            throw new FileNotFoundException($"{description} '{fullPath}' is a folder, not a file", fullPath);
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"{description} '{fullPath}' does not exist", fullPath);
        return fullPath;
    }

    /// <summary>
    /// All bytes of the file, gunzipped when it starts with the gzip magic (1f 8b). Detection is by content, not by
    /// name, because data sets are often renamed or decompressed by hand while keeping the other's name.
    /// </summary>
    public static (byte[] Bytes, bool WasGzip) ReadAllBytesDecompressed(string fullPath)
    {
        var raw = File.ReadAllBytes(fullPath);
        if (raw.Length < 2 || raw[0] != GzipMagic0 || raw[1] != GzipMagic1) return (raw, false);
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw, writable: false), CompressionMode.Decompress);
            using var decompressed = new MemoryStream(capacity: raw.Length * 4);
            gzip.CopyTo(decompressed);
            return (decompressed.ToArray(), true);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(fullPath, $"starts like gzip (1f 8b) but is not valid gzip data: {e.Message}",
                innerException: e);
        }
    }

    /// <summary>The first <paramref name="count"/> bytes of the file's content (gunzipped when it is gzip), or fewer.</summary>
    public static (byte[] Bytes, bool WasGzip) ReadHeaderDecompressed(string fullPath, int count)
    {
        using var file = File.OpenRead(fullPath);
        var magic = new byte[2];
        var isGzip = file.Read(magic) == 2 && magic[0] == GzipMagic0 && magic[1] == GzipMagic1;
        file.Position = 0;
        try
        {
            using Stream content = isGzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
            var header = new byte[count];
            var read = content.ReadAtLeast(header, count, throwOnEndOfStream: false);
            return (header[..read], isGzip);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(fullPath, $"starts like gzip (1f 8b) but is not valid gzip data: {e.Message}",
                innerException: e);
        }
    }
}
