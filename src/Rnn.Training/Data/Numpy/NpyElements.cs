using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Rnn.Training.Data.Numpy;

/// <summary>Converts raw .npy elements of any supported dtype and byte order to float or long.</summary>
internal static class NpyElements
{
    /// <summary>destination[i] = element i of <paramref name="raw"/> as float (float64 rounds; large ints round).</summary>
    public static void ToFloat(ReadOnlySpan<byte> raw, NpyDtype dtype, Span<float> destination)
    {
        if (dtype is { Kind: 'f', ItemSize: 4, BigEndian: false })
        {
            MemoryMarshal.Cast<byte, float>(raw)[..destination.Length].CopyTo(destination);
            return;
        }
        if (dtype is { Kind: 'f', ItemSize: 8, BigEndian: false })
        {
            var doubles = MemoryMarshal.Cast<byte, double>(raw);
            for (var i = 0; i < destination.Length; i++) destination[i] = (float)doubles[i];
            return;
        }
        for (var i = 0; i < destination.Length; i++) destination[i] = (float)ToDouble(raw, i, dtype);
    }

    /// <summary>destination[i] = element i as long; integer dtypes only (uint64 above long.MaxValue saturates).</summary>
    public static void ToInt64(ReadOnlySpan<byte> raw, NpyDtype dtype, Span<long> destination)
    {
        if (!dtype.IsInteger) throw new ArgumentException($"dtype {dtype.Name} is not an integer type", nameof(dtype));
        for (var i = 0; i < destination.Length; i++) destination[i] = ToInt64(raw, i, dtype);
    }

    private static double ToDouble(ReadOnlySpan<byte> raw, int index, NpyDtype dtype)
    {
        var s = raw.Slice(index * dtype.ItemSize, dtype.ItemSize);
        var big = dtype.BigEndian;
        return dtype.Kind switch
        {
            'f' => dtype.ItemSize switch
            {
                2 => (double)(big ? BinaryPrimitives.ReadHalfBigEndian(s) : BinaryPrimitives.ReadHalfLittleEndian(s)),
                4 => big ? BinaryPrimitives.ReadSingleBigEndian(s) : BinaryPrimitives.ReadSingleLittleEndian(s),
                _ => big ? BinaryPrimitives.ReadDoubleBigEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s),
            },
            'u' when dtype.ItemSize == 8 => big ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s),
            _ => ToInt64(raw, index, dtype),
        };
    }

    private static long ToInt64(ReadOnlySpan<byte> raw, int index, NpyDtype dtype)
    {
        var s = raw.Slice(index * dtype.ItemSize, dtype.ItemSize);
        var big = dtype.BigEndian;
        return (dtype.Kind, dtype.ItemSize) switch
        {
            ('b', _) => s[0] != 0 ? 1 : 0,
            ('i', 1) => (sbyte)s[0],
            ('u', 1) => s[0],
            ('i', 2) => big ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s),
            ('u', 2) => big ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s),
            ('i', 4) => big ? BinaryPrimitives.ReadInt32BigEndian(s) : BinaryPrimitives.ReadInt32LittleEndian(s),
            ('u', 4) => big ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s),
            ('i', 8) => big ? BinaryPrimitives.ReadInt64BigEndian(s) : BinaryPrimitives.ReadInt64LittleEndian(s),
            _ => (long)Math.Min(big ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s), long.MaxValue),
        };
    }
}
