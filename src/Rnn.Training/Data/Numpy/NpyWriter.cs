using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Rnn.Training.Data.Numpy;

/// <summary>
/// Writes .npy files NumPy reads with np.load: version 1.0 (2.0 when the header outgrows 64 KiB), little-endian,
/// C order, the header padded so the data starts on a 64-byte boundary. Beside <see cref="NpyArray"/> so the
/// format lives in one place; used for test data and for predictions.
/// </summary>
public static class NpyWriter
{
    public static void Write(string path, ReadOnlySpan<float> data, params long[] shape) => Write(path, NpyDtype.Float32, MemoryMarshal.AsBytes(data), shape);

    public static void Write(string path, ReadOnlySpan<double> data, params long[] shape) => Write(path, NpyDtype.Float64, MemoryMarshal.AsBytes(data), shape);

    public static void Write(string path, ReadOnlySpan<int> data, params long[] shape) => Write(path, NpyDtype.Int32, MemoryMarshal.AsBytes(data), shape);

    public static void Write(string path, ReadOnlySpan<long> data, params long[] shape) => Write(path, NpyDtype.Int64, MemoryMarshal.AsBytes(data), shape);

    public static void Write(string path, ReadOnlySpan<byte> data, params long[] shape) => Write(path, NpyDtype.UInt8, data, shape);

    /// <summary>Writes raw element bytes already in <paramref name="dtype"/>'s byte order.</summary>
    public static void Write(string path, NpyDtype dtype, ReadOnlySpan<byte> data, long[] shape, bool fortranOrder = false, int version = 1)
    {
        using var stream = File.Create(path);
        Write(stream, dtype, data, shape, fortranOrder, version);
    }

    /// <summary>Writes to a stream (an .npz member). Versions 1, 2 and 3 are written as asked, for tests of readers.</summary>
    public static void Write(Stream stream, NpyDtype dtype, ReadOnlySpan<byte> data, long[] shape, bool fortranOrder = false, int version = 1)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var elements = shape.Aggregate(1L, (a, b) => checked(a * b));
        if (data.Length != elements * dtype.ItemSize)
            throw new ArgumentException($"shape {NpyHeader.FormatShape(shape)} of {dtype.Name} needs {elements * dtype.ItemSize} bytes, got {data.Length}");
        var dict = $"{{'descr': '{dtype.Descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {NpyHeader.FormatShape(shape)}, }}";
        var text = (version == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict);
        if (version == 1 && text.Length + 11 > ushort.MaxValue) version = 2;
        var preamble = version == 1 ? 10 : 12;
        // Pad with spaces and end with a newline so the data starts at a multiple of 64, as NumPy does.
        var total = (preamble + text.Length + 1 + 63) / 64 * 64;
        var header = new byte[total];
        header.AsSpan().Fill((byte)' ');
        header[0] = 0x93;
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = (byte)version;
        header[7] = 0;
        var dictLength = total - preamble;
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)dictLength);
        else BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)dictLength);
        text.CopyTo(header.AsSpan(preamble));
        header[^1] = (byte)'\n';
        stream.Write(header);
        stream.Write(data);
    }
}
