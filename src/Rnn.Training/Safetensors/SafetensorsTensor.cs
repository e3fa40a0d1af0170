using System.Buffers.Binary;

namespace Rnn.Training.Safetensors;

/// <summary>
/// One named tensor as stored in a safetensors file: dtype, row-major shape and the raw little-endian bytes.
/// Conversions to float32/int64 are done on request; the bytes are kept as stored so that a read-then-write
/// round trip is exact for every dtype.
/// </summary>
public sealed class SafetensorsTensor
{
    /// <summary>Creates a tensor from raw little-endian bytes (copied).</summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the byte count does not
    /// match the shape and dtype.</exception>
    public SafetensorsTensor(string name, SafetensorsDType dtype, int[] shape, ReadOnlySpan<byte> data)
        : this(name, dtype, (int[])(shape ?? throw new ArgumentNullException(nameof(shape))).Clone(), data.ToArray(), validate: true)
    {
    }

    // Takes ownership of shape and data; the reader and the factories use it to avoid a second copy.
    internal SafetensorsTensor(string name, SafetensorsDType dtype, int[] shape, byte[] data, bool validate)
    {
        if (validate)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(shape);
            var expectedBytes = ByteCount(name, dtype, shape);
            if (data.LongLength != expectedBytes)
                throw new ArgumentException(
                    $"tensor '{name}' has shape {SafetensorsShape.Format(shape)} ({ValidatedElementCount(name, shape)} elements of " +
                    $"{dtype.ToHeaderName()} = {expectedBytes} bytes) but {data.LongLength} bytes of data were given",
                    nameof(data));
        }
        Name = name;
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    public string Name { get; }

    public SafetensorsDType DType { get; }

    /// <summary>Row-major dimensions; empty for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>The raw little-endian element bytes, exactly as stored in the file.</summary>
    public byte[] Data { get; }

    /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public long ElementCount => SafetensorsShape.ElementCount(Shape);

    public static SafetensorsTensor FromFloat32(string name, int[] shape, ReadOnlySpan<float> values)
    {
        var data = AllocateFor(name, SafetensorsDType.F32, shape, values.Length);
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        return new SafetensorsTensor(name, SafetensorsDType.F32, (int[])shape.Clone(), data, validate: false);
    }

    /// <summary>Stores the values as IEEE half precision (round to nearest even; out of range becomes infinity).</summary>
    public static SafetensorsTensor FromFloat16(string name, int[] shape, ReadOnlySpan<float> values)
    {
        var data = AllocateFor(name, SafetensorsDType.F16, shape, values.Length);
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(i * 2), (Half)values[i]);
        return new SafetensorsTensor(name, SafetensorsDType.F16, (int[])shape.Clone(), data, validate: false);
    }

    /// <summary>Stores the values as bfloat16 (the upper 16 bits of a float32, rounded to nearest even).</summary>
    public static SafetensorsTensor FromBFloat16(string name, int[] shape, ReadOnlySpan<float> values)
    {
        var data = AllocateFor(name, SafetensorsDType.BF16, shape, values.Length);
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(i * 2), FloatToBFloat16Bits(values[i]));
        return new SafetensorsTensor(name, SafetensorsDType.BF16, (int[])shape.Clone(), data, validate: false);
    }

    public static SafetensorsTensor FromInt64(string name, int[] shape, ReadOnlySpan<long> values)
    {
        var data = AllocateFor(name, SafetensorsDType.I64, shape, values.Length);
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(i * 8), values[i]);
        return new SafetensorsTensor(name, SafetensorsDType.I64, (int[])shape.Clone(), data, validate: false);
    }

    /// <summary>The elements as float32; F64 values are rounded, F16 and BF16 widened exactly.</summary>
    /// <exception cref="InvalidOperationException">The dtype is not F32, F16, BF16 or F64.</exception>
    public float[] ToFloat32()
    {
        var bytes = Data.AsSpan();
        var size = DType.ElementSize();
        var result = new float[bytes.Length / size];
        for (var i = 0; i < result.Length; i++)
        {
            var element = bytes.Slice(i * size, size);
            result[i] = DType switch
            {
                SafetensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(element),
                SafetensorsDType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(element),
                SafetensorsDType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element) << 16),
                SafetensorsDType.F64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(element),
                _ => throw NotConvertible("float32", "F32, F16, BF16 or F64"),
            };
        }
        return result;
    }

    /// <summary>The elements as int64, widening the narrower integer types.</summary>
    /// <exception cref="InvalidOperationException">The dtype is not a signed integer type or U8/U16/U32.</exception>
    public long[] ToInt64()
    {
        var bytes = Data.AsSpan();
        var size = DType.ElementSize();
        var result = new long[bytes.Length / size];
        for (var i = 0; i < result.Length; i++)
        {
            var element = bytes.Slice(i * size, size);
            result[i] = DType switch
            {
                SafetensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(element),
                SafetensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(element),
                SafetensorsDType.I16 => BinaryPrimitives.ReadInt16LittleEndian(element),
                SafetensorsDType.I8 => (sbyte)element[0],
                SafetensorsDType.U32 => BinaryPrimitives.ReadUInt32LittleEndian(element),
                SafetensorsDType.U16 => BinaryPrimitives.ReadUInt16LittleEndian(element),
                SafetensorsDType.U8 => element[0],
                _ => throw NotConvertible("int64", "I64, I32, I16, I8, U32, U16 or U8"),
            };
        }
        return result;
    }

    public override string ToString() => $"{Name}: {DType.ToHeaderName()} {SafetensorsShape.Format(Shape)}";

    private InvalidOperationException NotConvertible(string target, string accepted) =>
        new($"tensor '{Name}' is {DType.ToHeaderName()}; conversion to {target} is only defined for {accepted}. " +
            "Read Data directly or convert the tensor when exporting it.");

    private static byte[] AllocateFor(string name, SafetensorsDType dtype, int[] shape, int valueCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        var elements = ValidatedElementCount(name, shape);
        if (elements != valueCount)
            throw new ArgumentException(
                $"tensor '{name}' has shape {SafetensorsShape.Format(shape)} ({elements} elements) but {valueCount} values were given",
                nameof(shape));
        return new byte[ByteCount(name, dtype, shape)];
    }

    private static long ValidatedElementCount(string name, int[] shape)
    {
        foreach (var dim in shape)
        {
            if (dim < 0)
                throw new ArgumentException($"tensor '{name}' has a negative dimension in shape {SafetensorsShape.Format(shape)}", nameof(shape));
        }
        return SafetensorsShape.ElementCount(shape);
    }

    private static long ByteCount(string name, SafetensorsDType dtype, int[] shape)
    {
        var bytes = SafetensorsShape.ByteCount(ValidatedElementCount(name, shape), dtype);
        // A byte[] cannot hold more; larger tensors would need a streaming API this class does not offer.
        if (bytes > Array.MaxLength)
            throw new ArgumentException(
                $"tensor '{name}' has shape {SafetensorsShape.Format(shape)}, more {dtype.ToHeaderName()} bytes than one array can hold",
                nameof(shape));
        return bytes;
    }

    private static ushort FloatToBFloat16Bits(float value)
    {
        var bits = (uint)BitConverter.SingleToInt32Bits(value);
        if (float.IsNaN(value))
            return (ushort)((bits >> 16) | 0x0040); // keep it a NaN (quiet) even if the payload was only in the low bits
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }
}
