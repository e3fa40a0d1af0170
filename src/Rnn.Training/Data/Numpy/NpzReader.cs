using System.IO.Compression;

namespace Rnn.Training.Data.Numpy;

/// <summary>
/// An .npz file (np.savez / np.savez_compressed): a zip whose members are .npy files named after the arrays
/// ("x.npy"). Members may be stored or deflated. A member is read whole into memory when opened — a deflated
/// member cannot be memory-mapped, and a stored one inside a zip is not worth the special case — so for data too
/// large for one machine use separate .npy files, which are memory-mapped and read only where a shard needs them.
/// </summary>
public sealed class NpzReader : IDisposable
{
    private readonly ZipArchive _archive;

    private NpzReader(string fullPath, ZipArchive archive)
    {
        FullPath = fullPath;
        _archive = archive;
    }

    public string FullPath { get; }

    /// <summary>The array names in the archive ("x" for member "x.npy"), in archive order.</summary>
    public IReadOnlyList<string> ArrayNames =>
        _archive.Entries.Select(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal) ? e.FullName[..^4] : e.FullName).ToArray();

    public static NpzReader Open(string path)
    {
        var fullPath = DataFileReader.RequireFile(path, "NumPy archive");
        try
        {
            return new NpzReader(fullPath, ZipFile.OpenRead(fullPath));
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(fullPath, $"is not an .npz (zip) archive: {e.Message}", innerException: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(fullPath, $"cannot be read: {e.Message}", innerException: e);
        }
    }

    public bool Contains(string arrayName) => Find(arrayName) is not null;

    /// <summary>The array <paramref name="arrayName"/> (member "name.npy"), decompressed into memory.</summary>
    public NpyArray ReadArray(string arrayName)
    {
        var entry = Find(arrayName) ?? throw new DataFormatException(FullPath,
            $"has no array '{arrayName}'; it holds {string.Join(", ", ArrayNames.Select(n => $"'{n}'"))}");
        var name = $"{FullPath}, array '{arrayName}'";
        if (entry.Length > Array.MaxLength)
            throw new DataFormatException(name, $"is {entry.Length} bytes uncompressed, more than one .npz member can hold in memory; save it as a separate .npy file");
        var bytes = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new DataFormatException(name, $"cannot be decompressed: {e.Message}", innerException: e);
        }
        return NpyArray.FromBytes(bytes, name);
    }

    public void Dispose() => _archive.Dispose();

    private ZipArchiveEntry? Find(string arrayName) =>
        _archive.GetEntry(arrayName + ".npy") ?? _archive.GetEntry(arrayName);
}
