using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Rnn.Client.Plots;

namespace Rnn.Client.Tests.Plots;

/// <summary>
/// Reads back a PNG the way a viewer would, chunk by chunk, asserting what every reader needs: the signature, an IHDR
/// first, each chunk's CRC-32 (recomputed here bit by bit, independently of the encoder's table), IEND last, and
/// IDAT inflating to height × (1 + width × 3) bytes with filter type 0 on each row.
/// </summary>
internal sealed class DecodedPng
{
    private DecodedPng(int width, int height, byte[] pixels, IReadOnlyList<string> chunkTypes)
    {
        Width = width;
        Height = height;
        Pixels = pixels;
        ChunkTypes = chunkTypes;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>RGB bytes without the filter bytes.</summary>
    public byte[] Pixels { get; }

    public IReadOnlyList<string> ChunkTypes { get; }

    public RgbColor this[int x, int y]
    {
        get
        {
            var i = (y * Width + x) * 3;
            return new RgbColor(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
    }

    public static DecodedPng Decode(byte[] png)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.Equal(signature, png[..8]);

        var types = new List<string>();
        using var idat = new MemoryStream();
        int width = 0, height = 0;
        var offset = 8;
        while (offset < png.Length)
        {
            Assert.True(offset + 12 <= png.Length, $"chunk header cut short at byte {offset}");
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            var stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.True(BitwiseCrc(png.AsSpan(offset + 4, 4 + length)) == stored, $"CRC of chunk {type} at byte {offset}");
            types.Add(type);
            if (type == "IHDR")
            {
                Assert.Equal(13, length);
                width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                height = (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                Assert.Equal(new byte[] { 8, 2, 0, 0, 0 }, data[8..13].ToArray()); // 8-bit RGB, deflate, no interlace
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            offset += 12 + length;
        }
        Assert.Equal(png.Length, offset);
        Assert.Equal("IHDR", types[0]);
        Assert.Equal("IEND", types[^1]);

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress)) zlib.CopyTo(inflated);
        var raw = inflated.ToArray();
        Assert.Equal(height * (1 + width * 3), raw.Length);

        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            Assert.Equal(0, raw[y * (1 + width * 3)]);
            Array.Copy(raw, y * (1 + width * 3) + 1, pixels, y * width * 3, width * 3);
        }
        return new DecodedPng(width, height, pixels, types);
    }

    /// <summary>CRC-32 the slow way (no table), as the PNG specification's sample code defines it.</summary>
    private static uint BitwiseCrc(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
