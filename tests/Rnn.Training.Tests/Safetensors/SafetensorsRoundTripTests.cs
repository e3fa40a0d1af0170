using System.Buffers.Binary;
using System.Text;
using Rnn.Training.Safetensors;

namespace Rnn.Training.Tests.Safetensors;

/// <summary>What the writer writes the reader reads back unchanged, laid out as the reference implementation lays it out.</summary>
public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly float[] Weights = [1.5f, -2.25f, 0f, -0f, 3.1415927f, 1e-8f, float.MaxValue, float.NegativeInfinity, 7f, 8f, 9f, 10f];

    private static SafetensorsTensor[] SampleTensors() =>
    [
        SafetensorsTensor.FromFloat32("weight_ih_l0", [3, 4], Weights),
        SafetensorsTensor.FromFloat16("half", [2, 3], [0.5f, -1f, 65504f, 1f / 3f, 0.000061035156f, 2048f]),
        SafetensorsTensor.FromInt64("labels", [5], [0, 4, long.MaxValue, long.MinValue, -1]),
        SafetensorsTensor.FromFloat32("scalar", [], [42f]),
        SafetensorsTensor.FromFloat32("empty", [0, 7], []),
    ];

    private static readonly Dictionary<string, string> SampleMetadata = new()
    {
        ["kind"] = "model",
        ["cell"] = "lstm",
        ["note"] = "quotes \" and backslash \\ and ünïcødé and <html> & newline\n",
    };

    [Fact]
    public void Float32_float16_and_int64_tensors_round_trip_through_a_file()
    {
        var path = _folder.File("model.safetensors");
        SafetensorsWriter.Write(path, SampleTensors(), SampleMetadata);

        var file = SafetensorsFile.Read(path);

        Assert.Equal(path, file.SourceName);
        Assert.Equal(SampleMetadata.OrderBy(kv => kv.Key), file.Metadata.OrderBy(kv => kv.Key));
        Assert.Equal(["weight_ih_l0", "half", "labels", "scalar", "empty"], file.Tensors.Select(t => t.Name));

        var weight = file["weight_ih_l0"];
        Assert.Equal(SafetensorsDType.F32, weight.DType);
        Assert.Equal([3, 4], weight.Shape);
        Assert.Equal(Weights, weight.ToFloat32());

        var half = file["half"];
        Assert.Equal(SafetensorsDType.F16, half.DType);
        Assert.Equal([2, 3], half.Shape);
        Assert.Equal([0.5f, -1f, 65504f, (float)(Half)(1f / 3f), 0.000061035156f, 2048f], half.ToFloat32());

        var labels = file["labels"];
        Assert.Equal(SafetensorsDType.I64, labels.DType);
        Assert.Equal([5], labels.Shape);
        Assert.Equal([0L, 4L, long.MaxValue, long.MinValue, -1L], labels.ToInt64());

        Assert.Empty(file["scalar"].Shape);
        Assert.Equal([42f], file["scalar"].ToFloat32());
        Assert.Equal([0, 7], file["empty"].Shape);
        Assert.Empty(file["empty"].ToFloat32());
    }

    [Fact]
    public void Writing_twice_gives_identical_bytes_and_serialize_matches_the_file()
    {
        var first = _folder.File("first.safetensors");
        var second = _folder.File("second.safetensors");
        SafetensorsWriter.Write(first, SampleTensors(), SampleMetadata);
        // Same metadata inserted in another order: keys are written sorted, so the bytes must not change.
        SafetensorsWriter.Write(second, SampleTensors(), SampleMetadata.Reverse().ToDictionary());

        var bytes = File.ReadAllBytes(first);
        Assert.Equal(bytes, File.ReadAllBytes(second));
        Assert.Equal(bytes, SafetensorsWriter.Serialize(SampleTensors(), SampleMetadata));
    }

    [Fact]
    public void Reading_then_writing_reproduces_the_file()
    {
        var bytes = SafetensorsWriter.Serialize(SampleTensors(), SampleMetadata);
        var file = SafetensorsFile.Parse(bytes, "memory");
        Assert.Equal(bytes, SafetensorsWriter.Serialize(file.Tensors, file.Metadata));
    }

    [Fact]
    public void Header_is_padded_with_spaces_to_a_multiple_of_eight()
    {
        for (var nameLength = 1; nameLength <= 9; nameLength++)
        {
            var bytes = SafetensorsWriter.Serialize([SafetensorsTensor.FromFloat32(new string('w', nameLength), [1], [1f])]);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.Equal(0UL, headerLength % 8);
            var header = SafetensorsTestBytes.HeaderText(bytes);
            Assert.Equal(header.TrimEnd(' ').Length, header.TrimEnd(' ').TrimEnd().Length);
            Assert.True(header.Length - header.TrimEnd(' ').Length < 8);
            Assert.EndsWith("}", header.TrimEnd(' '), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Layout_matches_the_reference_implementation_byte_for_byte()
    {
        // The reference crate's own example tensor: I32 [2,2] named "test", plus one metadata entry.
        var data = new byte[16];
        for (var i = 0; i < 4; i++) BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(i * 4), i + 1);
        var tensor = new SafetensorsTensor("test", SafetensorsDType.I32, [2, 2], data);

        var bytes = SafetensorsWriter.Serialize([tensor], new Dictionary<string, string> { ["framework"] = "pt" });

        const string json = """{"__metadata__":{"framework":"pt"},"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}""";
        var expectedHeader = json + new string(' ', (8 - json.Length % 8) % 8);
        var expected = new byte[8 + expectedHeader.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(expected, (ulong)expectedHeader.Length);
        Encoding.UTF8.GetBytes(expectedHeader).CopyTo(expected, 8);
        data.CopyTo(expected, 8 + expectedHeader.Length);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void No_metadata_means_no_metadata_key()
    {
        var bytes = SafetensorsWriter.Serialize([SafetensorsTensor.FromFloat32("a", [1], [1f])], new Dictionary<string, string>());
        Assert.DoesNotContain("__metadata__", SafetensorsTestBytes.HeaderText(bytes), StringComparison.Ordinal);
        Assert.Empty(SafetensorsFile.Parse(bytes, "memory").Metadata);
    }

    [Fact]
    public void A_file_with_no_tensors_round_trips()
    {
        var bytes = SafetensorsWriter.Serialize([], new Dictionary<string, string> { ["k"] = "v" });
        var file = SafetensorsFile.Parse(bytes, "memory");
        Assert.Empty(file.Tensors);
        Assert.Equal("v", file.Metadata["k"]);
    }

    [Fact]
    public void Tensors_keep_the_order_given_and_data_follows_it()
    {
        var bytes = SafetensorsWriter.Serialize(
        [
            SafetensorsTensor.FromInt64("z_first", [1], [7]),
            SafetensorsTensor.FromFloat32("a_second", [2], [1f, 2f]),
        ]);
        var file = SafetensorsFile.Parse(bytes, "memory");
        Assert.Equal(["z_first", "a_second"], file.Tensors.Select(t => t.Name));
        Assert.Contains("\"z_first\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}", SafetensorsTestBytes.HeaderText(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_orders_tensors_by_offset_whatever_the_header_order()
    {
        var header = """
            {"second":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},
             "first":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}
            """;
        var file = SafetensorsFile.Parse(SafetensorsTestBytes.Build(header, 8), "memory");
        Assert.Equal(["first", "second"], file.Tensors.Select(t => t.Name));
        Assert.Equal([0, 1, 2, 3], file["first"].Data);
        Assert.Equal([4, 5, 6, 7], file["second"].Data);
    }

    [Fact]
    public void Writing_over_an_existing_file_replaces_it_and_leaves_no_temporary_files()
    {
        var path = _folder.File("checkpoint.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32("step", [1], [1f])], null);
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32("step", [1], [2f])], null);

        Assert.Equal([2f], SafetensorsFile.Read(path)["step"].ToFloat32());
        Assert.Equal([path], Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void Failed_write_leaves_the_old_file_and_no_temporary_files()
    {
        var path = _folder.File("checkpoint.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32("step", [1], [1f])], null);
        var duplicate = SafetensorsTensor.FromFloat32("step", [1], [2f]);

        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [duplicate, duplicate], null));

        Assert.Equal([1f], SafetensorsFile.Read(path)["step"].ToFloat32());
        Assert.Equal([path], Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void Duplicate_names_are_refused_by_the_writer()
    {
        var error = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Serialize(
            [SafetensorsTensor.FromFloat32("w", [1], [1f]), SafetensorsTensor.FromInt64("w", [1], [1])]));
        Assert.Contains("'w'", error.Message, StringComparison.Ordinal);
        Assert.Contains("unique", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_metadata_key_cannot_name_a_tensor()
    {
        var error = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Serialize(
            [SafetensorsTensor.FromFloat32("__metadata__", [1], [1f])]));
        Assert.Contains("reserved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unusual_names_round_trip()
    {
        string[] names = ["dense.weight", "with space", "ünïcødé", "quote\"back\\slash", "<tag>&", ""];
        var tensors = names.Select((n, i) => SafetensorsTensor.FromInt64(n, [1], [i])).ToArray();
        var file = SafetensorsFile.Parse(SafetensorsWriter.Serialize(tensors), "memory");
        Assert.Equal(names, file.Tensors.Select(t => t.Name));
        for (var i = 0; i < names.Length; i++)
            Assert.Equal([(long)i], file[names[i]].ToInt64());
    }
}
