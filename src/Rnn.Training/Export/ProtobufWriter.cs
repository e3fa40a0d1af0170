using System.Text;

namespace Rnn.Training.Export;

/// <summary>
/// The protobuf wire format, the few field kinds an ONNX model needs: varints (wire type 0), 32-bit floats (5) and
/// length-delimited bytes, strings and nested messages (2). A nested message is written into its own writer first,
/// since its length prefix comes before it.
/// </summary>
internal sealed class ProtobufWriter
{
    private readonly MemoryStream _bytes = new();

    public byte[] ToArray() => _bytes.ToArray();

    public void Varint(int field, long value)
    {
        Tag(field, 0);
        WriteVarint((ulong)value);
    }

    public void Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> le = stackalloc byte[4];
        BitConverter.TryWriteBytes(le, value);
        if (!BitConverter.IsLittleEndian) le.Reverse();
        _bytes.Write(le);
    }

    public void Double(int field, double value)
    {
        Tag(field, 1);
        Span<byte> le = stackalloc byte[8];
        BitConverter.TryWriteBytes(le, value);
        if (!BitConverter.IsLittleEndian) le.Reverse();
        _bytes.Write(le);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        _bytes.Write(value);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Message(int field, Action<ProtobufWriter> write)
    {
        var inner = new ProtobufWriter();
        write(inner);
        Bytes(field, inner.ToArray());
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }
}
