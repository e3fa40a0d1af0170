using System.Buffers.Binary;
using System.Text;

namespace Rnn.Training.Tests.Safetensors;

/// <summary>Hand-built safetensors bytes, so that malformed files can be made exactly as malformed as a test needs.</summary>
public static class SafetensorsTestBytes
{
    /// <summary>8-byte length, the header text as given (no padding), then <paramref name="dataBytes"/> bytes 0,1,2,...</summary>
    public static byte[] Build(string headerJson, int dataBytes) =>
        BuildWithLength(headerJson, dataBytes, (ulong)Encoding.UTF8.GetByteCount(headerJson));

    /// <summary>As <see cref="Build"/> but with a header length prefix that may lie.</summary>
    public static byte[] BuildWithLength(string headerJson, int dataBytes, ulong declaredHeaderLength)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength);
        header.CopyTo(bytes, 8);
        for (var i = 0; i < dataBytes; i++)
            bytes[8 + header.Length + i] = (byte)i;
        return bytes;
    }

    /// <summary>The header JSON text of serialized bytes, padding included.</summary>
    public static string HeaderText(byte[] file)
    {
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return Encoding.UTF8.GetString(file, 8, length);
    }
}
