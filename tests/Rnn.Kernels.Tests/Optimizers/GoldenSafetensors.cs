using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Rnn.Kernels.Tests.Optimizers;

/// <summary>
/// A minimal test-only reader of the golden safetensors files (8-byte little-endian header length, JSON header,
/// raw little-endian data), so the optimizer and loss checks do not wait on the product's safetensors reader.
/// </summary>
internal sealed class GoldenSafetensors
{
    private readonly byte[] _data;
    private readonly int _dataStart;
    private readonly Dictionary<string, (string DType, int[] Shape, int Begin, int End)> _tensors = new(StringComparer.Ordinal);

    private GoldenSafetensors(string path)
    {
        _data = File.ReadAllBytes(path);
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(_data));
        _dataStart = 8 + headerLength;
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(_data, 8, headerLength));
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            var offsets = entry.Value.GetProperty("data_offsets");
            _tensors[entry.Name] = (
                entry.Value.GetProperty("dtype").GetString()!,
                entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
                offsets[0].GetInt32(),
                offsets[1].GetInt32());
        }
    }

    public IEnumerable<string> Names => _tensors.Keys;

    /// <summary>The golden model cases shipped next to the test assembly, by file name.</summary>
    public static TheoryData<string> ModelCases() => new(ModelCaseFileNames());

    public static string[] ModelCaseFileNames() =>
        Directory.GetFiles(GoldenFolder, "model_*.safetensors")
            .Select(path => Path.GetFileName(path))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static GoldenSafetensors Open(string fileName) => new(Path.Combine(GoldenFolder, fileName));

    public int[] Shape(string name) => _tensors[name].Shape;

    public float[] Floats(string name)
    {
        var bytes = Bytes(name, "F32", sizeof(float));
        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * sizeof(float)));
        return values;
    }

    public long[] Int64s(string name)
    {
        var bytes = Bytes(name, "I64", sizeof(long));
        var values = new long[bytes.Length / sizeof(long)];
        for (var i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(i * sizeof(long)));
        return values;
    }

    private static string GoldenFolder => Path.Combine(AppContext.BaseDirectory, "golden");

    private ReadOnlySpan<byte> Bytes(string name, string dtype, int elementSize)
    {
        if (!_tensors.TryGetValue(name, out var tensor)) throw new KeyNotFoundException($"golden file has no tensor '{name}'");
        if (tensor.DType != dtype) throw new InvalidDataException($"tensor '{name}' is {tensor.DType}, not {dtype}");
        var bytes = _data.AsSpan(_dataStart + tensor.Begin, tensor.End - tensor.Begin);
        var elements = tensor.Shape.Aggregate(1, (n, d) => n * d);
        if (bytes.Length != elements * elementSize)
            throw new InvalidDataException($"tensor '{name}' holds {bytes.Length} bytes for {elements} elements");
        return bytes;
    }
}
