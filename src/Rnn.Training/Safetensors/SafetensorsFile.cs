using System.Collections.ObjectModel;

namespace Rnn.Training.Safetensors;

/// <summary>
/// A safetensors file read fully into memory: its free-form string metadata and its tensors in the order their
/// data appears in the file. Reading validates the whole file up front, so a file that reads is consistent.
/// </summary>
public sealed class SafetensorsFile
{
    // How many names a "no such tensor" message lists before it elides the rest.
    private const int NamesListedInErrors = 20;

    private readonly Dictionary<string, SafetensorsTensor> _byName;

    internal SafetensorsFile(string sourceName, Dictionary<string, string> metadata, SafetensorsTensor[] tensors)
    {
        SourceName = sourceName;
        Metadata = new ReadOnlyDictionary<string, string>(metadata);
        Tensors = new ReadOnlyCollection<SafetensorsTensor>(tensors);
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was read from, or the name given to <see cref="Parse"/>; used in error messages.</summary>
    public string SourceName { get; }

    /// <summary>The header's "__metadata__" map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>All tensors, ordered by their position in the data section.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The tensor with this exact (case-sensitive) name.</summary>
    /// <exception cref="SafetensorsFormatException">The file has no such tensor; the message lists those it has.</exception>
    public SafetensorsTensor this[string name] =>
        TryGet(name, out var tensor) ? tensor : throw MissingTensor(name);

    public bool TryGet(string name, out SafetensorsTensor tensor) => _byName.TryGetValue(name, out tensor!);

    /// <summary>Reads and validates a whole file.</summary>
    /// <exception cref="SafetensorsFormatException">The file is missing, unreadable or malformed.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SafetensorsFormatException(path, null,
                $"{path}: file not found (full path {Path.GetFullPath(path)}); check the path, or that the run that " +
                "should have written it finished", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SafetensorsFormatException(path, null,
                $"{path}: the file could not be read ({e.Message}); check its permissions, or for files over 2 GiB, " +
                "split them into shards", e);
        }
        return SafetensorsParser.Parse(bytes, path);
    }

    /// <summary>Parses the bytes of a whole file; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="SafetensorsFormatException">The bytes are not a valid safetensors file.</exception>
    public static SafetensorsFile Parse(ReadOnlySpan<byte> bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        return SafetensorsParser.Parse(bytes, sourceName);
    }

    private SafetensorsFormatException MissingTensor(string name)
    {
        var listed = string.Join(", ", Tensors.Take(NamesListedInErrors).Select(t => $"'{t.Name}'"));
        var rest = Tensors.Count > NamesListedInErrors ? $" and {Tensors.Count - NamesListedInErrors} more" : "";
        var has = Tensors.Count == 0 ? "it has no tensors" : $"it has {listed}{rest}";
        return new SafetensorsFormatException(SourceName, name,
            $"{SourceName}: no tensor named '{name}'; {has}. Check the name (names are case-sensitive and follow " +
            "PyTorch, e.g. 'weight_ih_l0') and that the file is the one you meant");
    }
}
