using System.Buffers.Binary;
using System.IO.Compression;
using Rnn.Training.Data;

namespace Rnn.Training.Tests.Data;

public sealed class MnistIdxReaderTests : IDisposable
{
    private readonly TemporaryFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("train", 8000)]
    [InlineData("test", 2000)]
    public void ReadSplit_reads_the_real_mnist_split_as_28_steps_of_28_pixels(string split, int expectedCount)
    {
        var data = MnistIdxReader.ReadSplit(RepositoryPaths.DataFile("mnist"), split);

        Assert.Equal(expectedCount, data.Count);
        Assert.Equal(28, data.Rows);
        Assert.Equal(28, data.Cols);
        Assert.Equal(expectedCount * 28 * 28, data.Pixels.Length);
        Assert.Equal(expectedCount, data.Labels.Length);
        Assert.All(data.Labels, label => Assert.InRange(label, 0, 9));
        Assert.Equal(10, data.Labels.Distinct().Count());
        Assert.Equal(0f, data.Pixels.Min());
        Assert.Equal(1f, data.Pixels.Max());
        // Digits are mostly background: a sane image has some ink but far from all.
        var ink = data.Pixels.Count(p => p > 0) / (double)data.Pixels.Length;
        Assert.InRange(ink, 0.05, 0.5);
    }

    [Fact]
    public void Raw_and_gzip_forms_of_the_same_split_give_equal_data()
    {
        foreach (var name in new[] { "test-images-idx3-ubyte", "test-labels-idx1-ubyte" })
            _temp.WriteBytes(name, Gunzip(File.ReadAllBytes(RepositoryPaths.DataFile("mnist", name + ".gz"))));

        var fromGzip = MnistIdxReader.ReadSplit(RepositoryPaths.DataFile("mnist"), "test");
        var fromRaw = MnistIdxReader.ReadSplit(_temp.Path, "test");

        Assert.Equal(fromGzip.Count, fromRaw.Count);
        Assert.Equal(fromGzip.Pixels, fromRaw.Pixels);
        Assert.Equal(fromGzip.Labels, fromRaw.Labels);
    }

    [Fact]
    public void Gzip_is_detected_by_content_not_by_file_name()
    {
        var raw = ImagesFile(count: 2, rows: 2, cols: 3, pixelBytes: [0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 0]);
        var gzipNamedRaw = _temp.WriteBytes("images-without-suffix", Gzip(raw));
        var rawNamedGzip = _temp.WriteBytes("images.gz", raw);

        var a = MnistIdxReader.ReadImages(gzipNamedRaw);
        var b = MnistIdxReader.ReadImages(rawNamedGzip);

        Assert.Equal(new[] { 0f, 51 / 255f, 102 / 255f, 153 / 255f, 204 / 255f, 1f }, a.Pixels[..6]);
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.Equal((2, 2, 3), (b.Count, b.Rows, b.Cols));
    }

    [Fact]
    public void Reading_a_labels_file_as_images_names_both_magics_and_asks_if_it_is_the_labels_file()
    {
        var path = _temp.WriteBytes("train-images-idx3-ubyte", LabelsFile([1, 2, 3]));

        var error = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadImages(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains("wrong magic number", error.Message);
        Assert.Contains("found 0x00000801", error.Message);
        Assert.Contains("expected 0x00000803", error.Message);
        Assert.Contains("is this the labels file?", error.Message);
    }

    [Fact]
    public void Reading_an_images_file_as_labels_asks_if_it_is_the_images_file()
    {
        var path = _temp.WriteBytes("labels", ImagesFile(1, 1, 1, [7]));

        var error = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadLabels(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("found 0x00000803, expected 0x00000801", error.Message);
        Assert.Contains("is this the images file?", error.Message);
    }

    [Fact]
    public void An_unknown_magic_is_reported_without_a_hint()
    {
        var bytes = ImagesFile(1, 1, 1, [7]);
        bytes[3] = 0x42;
        var path = _temp.WriteBytes("images", bytes);

        var error = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadImages(path));

        Assert.Contains("found 0x00000842, expected 0x00000803", error.Message);
        Assert.DoesNotContain("is this", error.Message);
    }

    [Fact]
    public void A_truncated_images_file_says_how_many_bytes_were_expected_and_found()
    {
        var full = ImagesFile(count: 3, rows: 28, cols: 28, pixelBytes: new byte[3 * 28 * 28]);
        var path = _temp.WriteBytes("images", full[..116]);

        var error = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains($"expected {16 + 3 * 28 * 28} bytes, found 116", error.Message);
    }

    [Fact]
    public void A_truncated_labels_file_inside_gzip_is_reported_after_decompression()
    {
        var path = _temp.WriteBytes("labels.gz", Gzip(LabelsFile([1, 2, 3, 4])[..10]));

        var error = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadLabels(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("expected 12 bytes, found 10 (after gzip decompression)", error.Message);
    }

    [Fact]
    public void A_file_shorter_than_its_header_is_truncated()
    {
        var path = _temp.WriteBytes("images", ImagesFile(1, 1, 1, [0])[..6]);

        var error = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadImages(path));

        Assert.Contains("header needs 16 bytes, found 6", error.Message);
    }

    [Fact]
    public void A_cut_off_gzip_stream_is_an_error_naming_the_file()
    {
        var gzip = Gzip(ImagesFile(count: 50, rows: 28, cols: 28, pixelBytes: RandomBytes(50 * 28 * 28)));
        var path = _temp.WriteBytes("images.gz", gzip[..(gzip.Length / 2)]);

        var error = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadImages(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Trailing_bytes_after_the_announced_data_are_rejected()
    {
        var path = _temp.WriteBytes("labels", [.. LabelsFile([1, 2]), 0]);

        var error = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadLabels(path));

        Assert.Contains("expected 10 bytes, found 11", error.Message);
    }

    [Fact]
    public void Image_and_label_count_mismatch_names_both_files_and_both_counts()
    {
        var images = _temp.WriteBytes("train-images-idx3-ubyte", ImagesFile(3, 2, 2, new byte[12]));
        var labels = _temp.WriteBytes("train-labels-idx1-ubyte", LabelsFile([1, 2]));

        var error = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadSplit(_temp.Path, "train"));

        Assert.Contains(images, error.Message);
        Assert.Contains(labels, error.Message);
        Assert.Contains("count mismatch", error.Message);
        Assert.Contains("2 labels", error.Message);
        Assert.Contains("3 images", error.Message);
    }

    [Fact]
    public void A_label_outside_0_to_9_is_reported_with_its_index()
    {
        var path = _temp.WriteBytes("labels", LabelsFile([0, 9, 10]));

        var error = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadLabels(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("label 10 at index 2 is outside 0..9", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_empty_file_is_reported_as_empty(bool gzipped)
    {
        var images = _temp.WriteBytes("images", gzipped ? Gzip([]) : []);
        var labels = _temp.WriteBytes("labels", gzipped ? Gzip([]) : []);

        var imagesError = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadImages(images));
        var labelsError = Assert.Throws<DataFormatException>(() => MnistIdxReader.ReadLabels(labels));

        Assert.Contains(images, imagesError.Message);
        Assert.Contains("is empty", imagesError.Message);
        Assert.Contains(labels, labelsError.Message);
        Assert.Contains("is empty", labelsError.Message);
    }

    [Fact]
    public void A_missing_split_file_names_both_candidate_paths()
    {
        var error = Assert.Throws<FileNotFoundException>(() => MnistIdxReader.ReadSplit(_temp.Path, "test"));

        Assert.Contains(_temp.File("test-images-idx3-ubyte"), error.Message);
        Assert.Contains(_temp.File("test-images-idx3-ubyte.gz"), error.Message);
    }

    [Fact]
    public void A_split_other_than_train_or_test_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => MnistIdxReader.ReadSplit(_temp.Path, "validation"));

        Assert.Contains("validation", error.Message);
    }

    private static byte[] ImagesFile(int count, int rows, int cols, byte[] pixelBytes)
    {
        var bytes = new byte[16 + pixelBytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, MnistIdxReader.ImagesMagic);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)count);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), (uint)rows);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), (uint)cols);
        pixelBytes.CopyTo(bytes, 16);
        return bytes;
    }

    private static byte[] LabelsFile(byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, MnistIdxReader.LabelsMagic);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(12345).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(raw);
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
