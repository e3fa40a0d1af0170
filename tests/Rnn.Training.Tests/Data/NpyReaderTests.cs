using System.Buffers.Binary;
using Rnn.Training.Data;
using Rnn.Training.Data.Numpy;

namespace Rnn.Training.Tests.Data;

public sealed class NpyReaderTests
{
    [Fact]
    public void Float32_rows_come_back_from_a_memory_mapped_file()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("x.npy");
        float[] values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        NpyWriter.Write(path, values, 3, 2, 2);

        using var array = NpyArray.Map(path);
        var row = new float[4];
        array.ReadRow(1, row);

        Assert.True(array.IsMemoryMapped);
        Assert.Equal("(3, 2, 2)", array.Header.ShapeText);
        Assert.Equal(0, array.Header.DataOffset % 64);
        Assert.Equal([4f, 5, 6, 7], row);
    }

    [Theory]
    [InlineData('f', 2)]
    [InlineData('f', 4)]
    [InlineData('f', 8)]
    [InlineData('i', 1)]
    [InlineData('i', 2)]
    [InlineData('i', 4)]
    [InlineData('i', 8)]
    [InlineData('u', 1)]
    [InlineData('u', 2)]
    [InlineData('u', 4)]
    [InlineData('u', 8)]
    public void Every_numeric_dtype_reads_in_both_byte_orders(char kind, int size)
    {
        long[] expected = kind == 'u' ? [0, 1, 7, 200] : [-2, 0, 1, 100];
        foreach (var bigEndian in new[] { false, true })
        {
            using var folder = new TemporaryFolder();
            var dtype = new NpyDtype(kind, size, bigEndian && size > 1);
            var path = folder.File("a.npy");
            NpyWriter.Write(path, dtype, Encode(expected, dtype), [2, 2]);

            using var array = NpyArray.Map(path);
            var floats = new float[2];
            array.ReadRow(1, floats);
            Assert.Equal([expected[2], expected[3]], floats.Select(f => (long)f).ToArray());
            if (kind != 'f')
            {
                var longs = new long[2];
                array.ReadRow(0, longs);
                Assert.Equal([expected[0], expected[1]], longs);
            }
        }
    }

    [Fact]
    public void Bool_reads_as_zero_and_one()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("b.npy");
        NpyWriter.Write(path, NpyDtype.Bool, [1, 0, 0, 1], [4]);
        using var array = NpyArray.Map(path);
        var values = new long[1];
        array.ReadRow(3, values);
        Assert.Equal(1, values[0]);
        array.ReadRow(2, values);
        Assert.Equal(0, values[0]);
    }

    [Fact]
    public void Fortran_order_rows_are_gathered_in_C_order()
    {
        // a[i, j, k] = 100 i + 10 j + k, shape (2, 3, 2), written column-major (i fastest).
        var fortran = new List<float>();
        for (var k = 0; k < 2; k++)
            for (var j = 0; j < 3; j++)
                for (var i = 0; i < 2; i++) fortran.Add(100 * i + 10 * j + k);
        using var folder = new TemporaryFolder();
        var path = folder.File("f.npy");
        NpyWriter.Write(path, NpyDtype.Float32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(fortran.ToArray().AsSpan()), [2, 3, 2], fortranOrder: true);

        using var array = NpyArray.Map(path);
        var row = new float[6];
        array.ReadRow(1, row);
        Assert.True(array.Header.FortranOrder);
        Assert.Equal([100f, 101, 110, 111, 120, 121], row);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Format_versions_2_and_3_read_like_version_1(int version)
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("v.npy");
        NpyWriter.Write(path, NpyDtype.Int32, System.Runtime.InteropServices.MemoryMarshal.AsBytes<int>([5, 6, 7]), [3], version: version);
        using var array = NpyArray.Map(path);
        var value = new long[1];
        array.ReadRow(2, value);
        Assert.Equal(version, array.Header.MajorVersion);
        Assert.Equal(7, value[0]);
    }

    [Theory]
    [InlineData("'<c8'", "dtype '<c8' is not supported (complex numbers)")]
    [InlineData("'<U5'", "dtype '<U5' is not supported (strings)")]
    [InlineData("'|O'", "dtype '|O' is not supported (Python objects (pickled))")]
    [InlineData("'<M8[ns]'", "dtype '<M8[ns]' is not supported (dates or time spans)")]
    [InlineData("[('a', '<f4'), ('b', '<i4')]", "has a structured dtype (a record array)")]
    public void Unsupported_dtypes_are_refused_by_name(string descr, string message)
    {
        using var folder = new TemporaryFolder();
        var header = $"{{'descr': {descr}, 'fortran_order': False, 'shape': (1,), }}\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)header.Length, 0]);
        bytes.AddRange(System.Text.Encoding.Latin1.GetBytes(header));
        bytes.AddRange(new byte[16]);
        var path = folder.WriteBytes("bad.npy", bytes.ToArray());

        var error = Assert.Throws<DataFormatException>(() => NpyArray.Map(path));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_truncated_file_says_how_many_bytes_are_missing()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("t.npy");
        NpyWriter.Write(path, new float[6], 2, 3);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);

        var error = Assert.Throws<DataFormatException>(() => NpyArray.Map(path));
        Assert.Equal($"{path}: is truncated: shape (2, 3) of float32 needs 24 data bytes, the file has 20", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_npy_is_named()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("x.npy", "word,language\nhello,english\n");
        var error = Assert.Throws<DataFormatException>(() => NpyArray.Map(path));
        Assert.Equal($"{path}: is not a .npy file (it does not start with \\x93NUMPY)", error.Message);
    }

    /// <summary>The values in <paramref name="dtype"/>'s size and byte order.</summary>
    internal static byte[] Encode(long[] values, NpyDtype dtype)
    {
        var bytes = new byte[values.Length * dtype.ItemSize];
        for (var i = 0; i < values.Length; i++)
        {
            var s = bytes.AsSpan(i * dtype.ItemSize, dtype.ItemSize);
            var big = dtype.BigEndian;
            switch (dtype.Kind, dtype.ItemSize)
            {
                case ('f', 2): if (big) BinaryPrimitives.WriteHalfBigEndian(s, (Half)values[i]); else BinaryPrimitives.WriteHalfLittleEndian(s, (Half)values[i]); break;
                case ('f', 4): if (big) BinaryPrimitives.WriteSingleBigEndian(s, values[i]); else BinaryPrimitives.WriteSingleLittleEndian(s, values[i]); break;
                case ('f', 8): if (big) BinaryPrimitives.WriteDoubleBigEndian(s, values[i]); else BinaryPrimitives.WriteDoubleLittleEndian(s, values[i]); break;
                case (_, 1): s[0] = (byte)values[i]; break;
                case (_, 2): if (big) BinaryPrimitives.WriteInt16BigEndian(s, (short)values[i]); else BinaryPrimitives.WriteInt16LittleEndian(s, (short)values[i]); break;
                case (_, 4): if (big) BinaryPrimitives.WriteInt32BigEndian(s, (int)values[i]); else BinaryPrimitives.WriteInt32LittleEndian(s, (int)values[i]); break;
                default: if (big) BinaryPrimitives.WriteInt64BigEndian(s, values[i]); else BinaryPrimitives.WriteInt64LittleEndian(s, values[i]); break;
            }
        }
        return bytes;
    }
}
