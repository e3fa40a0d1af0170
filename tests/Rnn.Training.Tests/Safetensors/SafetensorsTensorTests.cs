using System.Buffers.Binary;
using Rnn.Training.Safetensors;

namespace Rnn.Training.Tests.Safetensors;

public sealed class SafetensorsTensorTests
{
    [Fact]
    public void Float32_factory_stores_little_endian_bytes()
    {
        var tensor = SafetensorsTensor.FromFloat32("w", [2], [1f, -2f]);
        Assert.Equal(8, tensor.Data.Length);
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(tensor.Data));
        Assert.Equal(-2f, BinaryPrimitives.ReadSingleLittleEndian(tensor.Data.AsSpan(4)));
    }

    [Fact]
    public void Float16_factory_rounds_to_half_precision()
    {
        var tensor = SafetensorsTensor.FromFloat16("h", [3], [1f, 0.1f, 1e6f]);
        Assert.Equal(SafetensorsDType.F16, tensor.DType);
        Assert.Equal(6, tensor.Data.Length);
        Assert.Equal([1f, (float)(Half)0.1f, float.PositiveInfinity], tensor.ToFloat32());
    }

    [Fact]
    public void BFloat16_converts_both_ways()
    {
        var tensor = SafetensorsTensor.FromBFloat16("b", [4], [1f, -3.5f, 1.00390625f, float.NaN]);
        Assert.Equal(SafetensorsDType.BF16, tensor.DType);
        var back = tensor.ToFloat32();
        Assert.Equal(1f, back[0]);
        Assert.Equal(-3.5f, back[1]);
        Assert.Equal(1f, back[2]); // 1 + 2^-8 is a tie between 1 and 1 + 2^-7; round to even keeps 1
        Assert.True(float.IsNaN(back[3]));
        // bfloat16 of 1.0 is 0x3F80
        Assert.Equal(0x3F80, BinaryPrimitives.ReadUInt16LittleEndian(tensor.Data));
    }

    [Fact]
    public void Float64_converts_to_float32()
    {
        var data = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 0.1);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), -1e300);
        var tensor = new SafetensorsTensor("d", SafetensorsDType.F64, [2], data);
        Assert.Equal([0.1f, float.NegativeInfinity], tensor.ToFloat32());
    }

    [Fact]
    public void Int32_and_narrower_integers_convert_to_int64()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(data, -5);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), int.MaxValue);
        Assert.Equal([-5L, int.MaxValue], new SafetensorsTensor("i", SafetensorsDType.I32, [2], data).ToInt64());
        Assert.Equal([255L, 1L], new SafetensorsTensor("u", SafetensorsDType.U8, [2], [255, 1]).ToInt64());
        Assert.Equal([-1L, 1L], new SafetensorsTensor("s", SafetensorsDType.I8, [2], [255, 1]).ToInt64());
    }

    [Fact]
    public void Conversion_to_the_wrong_kind_names_the_tensor_and_dtype()
    {
        var labels = SafetensorsTensor.FromInt64("labels", [1], [3]);
        var error = Assert.Throws<InvalidOperationException>(() => labels.ToFloat32());
        Assert.Contains("'labels'", error.Message, StringComparison.Ordinal);
        Assert.Contains("I64", error.Message, StringComparison.Ordinal);

        var weights = SafetensorsTensor.FromFloat32("weights", [1], [3f]);
        error = Assert.Throws<InvalidOperationException>(() => weights.ToInt64());
        Assert.Contains("'weights'", error.Message, StringComparison.Ordinal);
        Assert.Contains("F32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shape_must_match_the_number_of_values()
    {
        var error = Assert.Throws<ArgumentException>(() => SafetensorsTensor.FromFloat32("w", [2, 3], [1f, 2f]));
        Assert.Contains("[2,3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("6 elements", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 values", error.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => SafetensorsTensor.FromInt64("l", [4], [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => SafetensorsTensor.FromFloat16("h", [], [1f, 2f]));
    }

    [Fact]
    public void Raw_constructor_checks_the_byte_count_and_dims()
    {
        var error = Assert.Throws<ArgumentException>(() => new SafetensorsTensor("w", SafetensorsDType.F32, [24, 4], new byte[380]));
        Assert.Contains("384 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("380 bytes", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SafetensorsTensor("w", SafetensorsDType.F32, [-1, 4], new byte[16]));
    }

    [Fact]
    public void Raw_constructor_copies_its_inputs()
    {
        int[] shape = [1];
        byte[] data = [1, 0, 0, 0];
        var tensor = new SafetensorsTensor("i", SafetensorsDType.I32, shape, data);
        shape[0] = 9;
        data[0] = 9;
        Assert.Equal([1], tensor.Shape);
        Assert.Equal([1L], tensor.ToInt64());
    }

    [Fact]
    public void Dtype_header_names_and_sizes_follow_the_format()
    {
        Assert.Equal("BOOL", SafetensorsDType.Bool.ToHeaderName());
        Assert.Equal("F8_E4M3", SafetensorsDType.F8_E4M3.ToHeaderName());
        Assert.Equal("BF16", SafetensorsDType.BF16.ToHeaderName());
        Assert.Equal(4, SafetensorsDType.F32.ElementSize());
        Assert.Equal(2, SafetensorsDType.F16.ElementSize());
        Assert.Equal(8, SafetensorsDType.I64.ElementSize());
        Assert.Equal(1, SafetensorsDType.Bool.ElementSize());
    }
}
