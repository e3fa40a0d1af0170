using System.Text;
using Rnn.Client.Plots;

namespace Rnn.Client.Tests.Plots;

public sealed class PngEncoderTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        // The CRC-32/ISO-HDLC check value of "123456789", as every CRC catalogue lists it.
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Encoded_image_decodes_to_the_same_size_and_pixels()
    {
        var image = new RgbImage(7, 5, RgbColor.White);
        image.SetPixel(0, 0, RgbColor.Black);
        image.SetPixel(6, 4, RgbColor.Loss);
        image.SetPixel(3, 2, RgbColor.TestMetric);

        var png = DecodedPng.Decode(PngEncoder.Encode(image));

        Assert.Equal(["IHDR", "IDAT", "IEND"], png.ChunkTypes);
        Assert.Equal(7, png.Width);
        Assert.Equal(5, png.Height);
        Assert.Equal(image.Pixels, png.Pixels);
        Assert.Equal(RgbColor.Loss, png[6, 4]);
    }

    [Fact]
    public void Save_writes_the_whole_file_and_no_partial_one()
    {
        var folder = Directory.CreateTempSubdirectory("rnn-png-");
        try
        {
            var path = Path.Combine(folder.FullName, "x.png");
            PngEncoder.Save(new RgbImage(3, 2, RgbColor.Grid), path);
            var png = DecodedPng.Decode(File.ReadAllBytes(path));
            Assert.Equal((3, 2), (png.Width, png.Height));
            Assert.False(File.Exists(path + ".part"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Lines_outside_the_image_are_clipped()
    {
        var image = new RgbImage(10, 10, RgbColor.White);
        image.DrawLine(-5, -5, 20, 20, RgbColor.Black, thickness: 3);
        Assert.Equal(RgbColor.Black, image.GetPixel(0, 0));
        Assert.Equal(RgbColor.Black, image.GetPixel(9, 9));
        Assert.Equal(RgbColor.White, image.GetPixel(9, 0));
    }
}
