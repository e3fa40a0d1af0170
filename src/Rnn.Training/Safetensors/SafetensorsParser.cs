using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;

namespace Rnn.Training.Safetensors;

/// <summary>
/// Validates and decodes a whole safetensors file held in memory. Every check of the reference implementation is
/// made (header bounds, JSON shape of each entry, known dtype, offsets inside the data section, byte count equal to
/// shape times element size, tensors tiling the data section with no overlap and no gap), each with its own message.
/// </summary>
internal sealed class SafetensorsParser
{
    private const string MetadataKey = "__metadata__";
    private const int LengthPrefixBytes = 8;

    private readonly string _sourceName;

    private SafetensorsParser(string sourceName) => _sourceName = sourceName;

    public static SafetensorsFile Parse(ReadOnlySpan<byte> bytes, string sourceName) =>
        new SafetensorsParser(sourceName).Parse(bytes);

    private SafetensorsFile Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < LengthPrefixBytes)
            throw Error(null,
                $"the file is {bytes.Length} bytes long, shorter than the 8-byte header length every safetensors file " +
                "starts with; it is empty or truncated: write or download it again");

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var available = (ulong)(bytes.Length - LengthPrefixBytes);
        if (headerLength > available)
            throw Error(null,
                $"the header length says {headerLength} bytes of JSON header follow but only {available} bytes do; the " +
                "file is truncated (an interrupted write, copy or download) or is not a safetensors file");

        var headerEnd = LengthPrefixBytes + (int)headerLength;
        var data = bytes[headerEnd..];
        using var header = ParseHeaderJson(bytes[LengthPrefixBytes..headerEnd]);

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seenMetadata = false;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<(SafetensorsTensor Tensor, long Begin, long End)>();
        foreach (var property in header.RootElement.EnumerateObject())
        {
            if (property.Name == MetadataKey)
            {
                if (seenMetadata)
                    throw Error(null, $"'{MetadataKey}' appears twice in the header; the file is corrupt or was written by a faulty tool");
                seenMetadata = true;
                ReadMetadata(property.Value, metadata);
                continue;
            }
            if (!names.Add(property.Name))
                throw Error(property.Name,
                    "appears twice in the header; tensor names must be unique, so the file is corrupt or was written by a faulty tool");
            entries.Add(ReadTensor(property.Name, property.Value, data));
        }

        // Files from older writers list tensors in any order; the file order is the order of the data.
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        CheckTensorsTileDataSection(entries, data.Length);
        return new SafetensorsFile(_sourceName, metadata, entries.Select(e => e.Tensor).ToArray());
    }

    private JsonDocument ParseHeaderJson(ReadOnlySpan<byte> headerBytes)
    {
        // JsonDocument only checks UTF-8 when a string is read; check up front so the error is a format error.
        if (!Utf8.IsValid(headerBytes))
            throw Error(null,
                $"the {headerBytes.Length}-byte header is not valid UTF-8 text; the file is corrupt or is not a " +
                "safetensors file");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes.ToArray());
        }
        catch (JsonException e)
        {
            throw Error(null,
                $"the {headerBytes.Length}-byte header is not valid JSON ({e.Message}); the file is corrupt or is " +
                "not a safetensors file", e);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = KindName(document.RootElement.ValueKind);
            document.Dispose();
            throw Error(null,
                $"the header is a JSON {kind}, not an object mapping tensor names to their entries; the file is corrupt " +
                "or is not a safetensors file");
        }
        return document;
    }

    private void ReadMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind == JsonValueKind.Null)
            return; // the reference implementation treats a null map as absent
        if (element.ValueKind != JsonValueKind.Object)
            throw Error(null,
                $"'{MetadataKey}' is a JSON {KindName(element.ValueKind)}, but it must be an object of string keys to " +
                "string values; fix the tool that wrote the file");
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw Error(null,
                    $"metadata value for key '{entry.Name}' is a JSON {KindName(entry.Value.ValueKind)}, but safetensors " +
                    "metadata values must be strings; store it as a string (for example JSON-encoded) when writing");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw Error(null,
                    $"metadata key '{entry.Name}' appears twice; the file is corrupt or was written by a faulty tool");
        }
    }

    private (SafetensorsTensor Tensor, long Begin, long End) ReadTensor(string name, JsonElement entry, ReadOnlySpan<byte> data)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw Error(name,
                $"has a JSON {KindName(entry.ValueKind)} as its header entry, but it must be an object with dtype, shape " +
                "and data_offsets; the file is corrupt or was written by an incompatible tool");

        var dtype = ReadDType(name, RequiredField(name, entry, "dtype", JsonValueKind.String, "a string such as \"F32\""));
        var shapeJson = RequiredField(name, entry, "shape", JsonValueKind.Array, "an array of non-negative integers");
        var offsetsJson = RequiredField(name, entry, "data_offsets", JsonValueKind.Array, "an array [begin, end] of two integers");

        var shape = new int[shapeJson.GetArrayLength()];
        var index = 0;
        foreach (var dim in shapeJson.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var value) || value < 0)
                throw Error(name,
                    $"has shape {shapeJson.GetRawText()} containing {dim.GetRawText()}, which is not a non-negative integer " +
                    "dimension; the file is corrupt or was written by a faulty tool");
            if (value > int.MaxValue)
                throw Error(name,
                    $"has shape {shapeJson.GetRawText()} with a dimension above {int.MaxValue}, the largest this reader " +
                    "supports; split the tensor when exporting");
            shape[index++] = (int)value;
        }

        if (offsetsJson.GetArrayLength() != 2)
            throw Error(name,
                $"has data_offsets {offsetsJson.GetRawText()}, but they must be exactly two integers [begin, end]; the file " +
                "is corrupt or was written by an incompatible tool");
        var begin = ReadOffset(name, offsetsJson, offsetsJson[0]);
        var end = ReadOffset(name, offsetsJson, offsetsJson[1]);
        if (begin > end)
            throw Error(name,
                $"has data_offsets [{begin},{end}] whose begin is after its end; the file is corrupt");
        if (end > (ulong)data.Length)
            throw Error(name,
                $"has data_offsets [{begin},{end}] reaching past the end of the {data.Length}-byte data section; the file " +
                "is truncated or its header is wrong: write or download it again");

        var byteCount = (long)(end - begin);
        var elementCount = SafetensorsShape.ElementCount(shape);
        var expectedBytes = SafetensorsShape.ByteCount(elementCount, dtype);
        if (expectedBytes != byteCount)
        {
            var size = expectedBytes == long.MaxValue
                ? $"more bytes of {dtype.ToHeaderName()} than a 64-bit count holds"
                : $"{elementCount} elements = {expectedBytes} bytes of {dtype.ToHeaderName()}";
            throw Error(name,
                $"has shape {SafetensorsShape.Format(shape)} ({size}) but data_offsets cover {byteCount} bytes; the " +
                "file is corrupt or was written by a tool that disagrees on shapes");
        }

        var bytes = data.Slice((int)begin, (int)byteCount).ToArray();
        return (new SafetensorsTensor(name, dtype, shape, bytes, validate: false), (long)begin, (long)end);
    }

    private JsonElement RequiredField(string name, JsonElement entry, string field, JsonValueKind kind, string expected)
    {
        if (!entry.TryGetProperty(field, out var value))
            throw Error(name,
                $"has no '{field}' in its header entry (each entry needs dtype, shape and data_offsets); the file is " +
                "corrupt or was written by an incompatible tool");
        if (value.ValueKind != kind)
            throw Error(name,
                $"has '{field}' as a JSON {KindName(value.ValueKind)} ({value.GetRawText()}), but it must be {expected}; " +
                "the file is corrupt or was written by an incompatible tool");
        return value;
    }

    private SafetensorsDType ReadDType(string name, JsonElement dtypeJson)
    {
        var text = dtypeJson.GetString()!;
        if (!SafetensorsDTypeExtensions.TryParseHeaderName(text, out var dtype))
            throw Error(name,
                $"has dtype '{text}', which this reader does not support (supported: " +
                $"{SafetensorsDTypeExtensions.SupportedHeaderNames}); convert the tensor to one of them, e.g. F32, when exporting");
        return dtype;
    }

    private ulong ReadOffset(string name, JsonElement offsetsJson, JsonElement offset)
    {
        if (offset.ValueKind != JsonValueKind.Number || !offset.TryGetUInt64(out var value))
            throw Error(name,
                $"has data_offsets {offsetsJson.GetRawText()} containing {offset.GetRawText()}, which is not a " +
                "non-negative integer; the file is corrupt or was written by a faulty tool");
        return value;
    }

    private void CheckTensorsTileDataSection(List<(SafetensorsTensor Tensor, long Begin, long End)> sorted, int dataLength)
    {
        long covered = 0;
        (SafetensorsTensor Tensor, long Begin, long End)? previous = null;
        foreach (var entry in sorted)
        {
            if (entry.Begin < covered)
                throw Error(entry.Tensor.Name,
                    $"has data_offsets [{entry.Begin},{entry.End}] overlapping tensor '{previous!.Value.Tensor.Name}' at " +
                    $"[{previous.Value.Begin},{previous.Value.End}]; every byte of the data section must belong to exactly " +
                    "one tensor, so the file is corrupt");
            if (entry.Begin > covered)
                throw Error(entry.Tensor.Name,
                    $"starts at data offset {entry.Begin}, leaving bytes [{covered},{entry.Begin}) of the data section in " +
                    "no tensor; safetensors requires the tensors to cover the data section with no gaps, so the file is " +
                    "corrupt or was written by a non-conforming tool");
            covered = entry.End;
            previous = entry;
        }
        if (covered != dataLength)
            throw Error(null,
                $"the last {dataLength - covered} bytes of the {dataLength}-byte data section (from offset {covered}) " +
                "belong to no tensor; safetensors requires the tensors to cover the data section fully, so the file has " +
                "trailing garbage or a tensor is missing from its header");
    }

    private SafetensorsFormatException Error(string? tensorName, string problem, Exception? inner = null) =>
        new(_sourceName, tensorName,
            tensorName is null ? $"{_sourceName}: {problem}" : $"{_sourceName}: tensor '{tensorName}' {problem}", inner);

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
