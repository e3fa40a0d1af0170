using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Rnn.Training.Safetensors;

/// <summary>
/// Writes safetensors files laid out as the reference implementation lays them out: compact JSON header with
/// "__metadata__" first, then one entry per tensor (dtype, shape, data_offsets), padded with spaces to a multiple
/// of 8 bytes so that the data section is 8-byte aligned. Tensors are written in the order given; metadata keys in
/// ordinal order so that the same input always gives the same bytes.
/// </summary>
public static class SafetensorsWriter
{
    private const byte Space = (byte)' ';
    private const int HeaderAlignment = 8;

    // serde_json (the reference writer) does not escape non-ASCII or HTML characters; neither do we.
    private static readonly JsonWriterOptions HeaderJsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes the file atomically: the bytes go to a temporary file in the same folder, which then replaces
    /// <paramref name="path"/>, so a reader never sees a half-written file and a crash leaves the old one intact.
    /// </summary>
    /// <exception cref="ArgumentException">Tensor names are not unique, or a name is reserved.</exception>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = Serialize(tensors, metadata);
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        var tempPath = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true); // a rename may reach disk before the data otherwise
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>The complete file as bytes.</summary>
    /// <exception cref="ArgumentException">Tensor names are not unique, or a name is reserved.</exception>
    public static byte[] Serialize(IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        CheckNames(list);

        var header = PaddedHeader(list, metadata);
        var dataLength = list.Sum(t => (long)t.Data.Length);
        var result = new byte[checked(8 + header.Length + dataLength)];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)header.Length);
        header.CopyTo(result, 8);
        var position = 8 + header.Length;
        foreach (var tensor in list)
        {
            tensor.Data.CopyTo(result, position);
            position += tensor.Data.Length;
        }
        return result;
    }

    private static void CheckNames(List<SafetensorsTensor> tensors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (tensor.Name == "__metadata__")
                throw new ArgumentException("'__metadata__' is reserved for the metadata map and cannot name a tensor", nameof(tensors));
            if (!seen.Add(tensor.Name))
                throw new ArgumentException($"tensor '{tensor.Name}' is given twice; names in a safetensors file must be unique", nameof(tensors));
        }
    }

    private static byte[] PaddedHeader(List<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, HeaderJsonOptions))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (value is null)
                        throw new ArgumentException($"metadata value for key '{key}' is null; safetensors metadata values must be strings", nameof(metadata));
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.ToHeaderName());
                json.WriteStartArray("shape");
                foreach (var dim in tensor.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + tensor.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += tensor.Data.Length;
            }
            json.WriteEndObject();
        }
        var padding = (HeaderAlignment - (int)(buffer.Length % HeaderAlignment)) % HeaderAlignment;
        for (var i = 0; i < padding; i++) buffer.WriteByte(Space);
        return buffer.ToArray();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
