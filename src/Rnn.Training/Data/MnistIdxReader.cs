using System.Buffers.Binary;

namespace Rnn.Training.Data;

/// <summary>
/// Reads MNIST-style IDX files, gzipped or raw (detected by content). Images file: big-endian u32 magic 0x00000803,
/// count, rows, cols, then count*rows*cols pixel bytes. Labels file: magic 0x00000801, count, then count bytes.
/// Every check that fails throws a <see cref="DataFormatException"/> naming the file and what was wrong.
/// </summary>
public static class MnistIdxReader
{
    public const uint ImagesMagic = 0x00000803;
    public const uint LabelsMagic = 0x00000801;
    public const int ClassCount = 10;

    private const int ImagesHeaderBytes = 16;
    private const int LabelsHeaderBytes = 8;

    /// <summary>
    /// Reads <c>{split}-images-idx3-ubyte[.gz]</c> and <c>{split}-labels-idx1-ubyte[.gz]</c> from
    /// <paramref name="folder"/>; <paramref name="split"/> is "train" or "test". If both the raw and the .gz name
    /// exist, the raw one is read.
    /// </summary>
    public static MnistDataset ReadSplit(string folder, string split)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (split is not ("train" or "test"))
            throw new ArgumentException($"split must be \"train\" or \"test\", got \"{split}\"", nameof(split));

        var imagesPath = FindSplitFile(folder, $"{split}-images-idx3-ubyte", $"MNIST {split} images");
        var labelsPath = FindSplitFile(folder, $"{split}-labels-idx1-ubyte", $"MNIST {split} labels");
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (images.Count != labels.Length)
            throw new DataFormatException(labelsPath,
                $"count mismatch: this labels file has {labels.Length} labels but the images file '{imagesPath}' " +
                $"has {images.Count} images; both files of a split must hold the same number of items");
        return new MnistDataset(images.Rows, images.Cols, images.Pixels, labels);
    }

    /// <summary>
    /// The image count and size of a split from the headers alone (16 + 8 bytes, gunzipped as needed): what a job's
    /// resolution needs without reading the pixels. The counts of images and labels must agree.
    /// </summary>
    public static (int Count, int Rows, int Cols) ReadSplitShape(string folder, string split)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var imagesPath = FindSplitFile(folder, $"{split}-images-idx3-ubyte", $"MNIST {split} images");
        var labelsPath = FindSplitFile(folder, $"{split}-labels-idx1-ubyte", $"MNIST {split} labels");
        var (images, imagesGzip) = DataFileReader.ReadHeaderDecompressed(imagesPath, ImagesHeaderBytes);
        CheckMagic(imagesPath, images, imagesGzip, ImagesHeaderBytes, ImagesMagic, "images", LabelsMagic, "labels");
        RequireHeader(imagesPath, images, imagesGzip, ImagesHeaderBytes, "images");
        var (labels, labelsGzip) = DataFileReader.ReadHeaderDecompressed(labelsPath, LabelsHeaderBytes);
        CheckMagic(labelsPath, labels, labelsGzip, LabelsHeaderBytes, LabelsMagic, "labels", ImagesMagic, "images");
        RequireHeader(labelsPath, labels, labelsGzip, LabelsHeaderBytes, "labels");

        var count = ReadHeaderInt(imagesPath, images, 4, "image count");
        var rows = ReadHeaderInt(imagesPath, images, 8, "row count");
        var cols = ReadHeaderInt(imagesPath, images, 12, "column count");
        if (rows == 0 || cols == 0)
            throw new DataFormatException(imagesPath, $"header says images are {rows}x{cols}; both must be positive");
        var labelCount = ReadHeaderInt(labelsPath, labels, 4, "label count");
        if (labelCount != count)
            throw new DataFormatException(labelsPath,
                $"count mismatch: this labels file has {labelCount} labels but the images file '{imagesPath}' " +
                $"has {count} images; both files of a split must hold the same number of items");
        return (count, rows, cols);
    }

    /// <summary>Reads an IDX images file; pixels become floats in [0, 1] (byte / 255f).</summary>
    public static MnistImages ReadImages(string path)
    {
        var fullPath = DataFileReader.RequireFile(path, "MNIST images file");
        var (bytes, wasGzip) = DataFileReader.ReadAllBytesDecompressed(fullPath);
        CheckMagic(fullPath, bytes, wasGzip, ImagesHeaderBytes, ImagesMagic, "images", LabelsMagic, "labels");
        RequireHeader(fullPath, bytes, wasGzip, ImagesHeaderBytes, "images");

        var count = ReadHeaderInt(fullPath, bytes, 4, "image count");
        var rows = ReadHeaderInt(fullPath, bytes, 8, "row count");
        var cols = ReadHeaderInt(fullPath, bytes, 12, "column count");
        if (rows == 0 || cols == 0)
            throw new DataFormatException(fullPath, $"header says images are {rows}x{cols}; both must be positive");

        var pixelCount = (long)count * rows * cols;
        if (pixelCount > Array.MaxLength)
            throw new DataFormatException(fullPath,
                $"header announces {count} images of {rows}x{cols} = {pixelCount} pixels, more than one array can hold");
        RequireExactLength(fullPath, bytes, wasGzip, ImagesHeaderBytes + pixelCount,
            $"{count} images of {rows}x{cols}");

        var pixels = new float[pixelCount];
        var source = bytes.AsSpan(ImagesHeaderBytes);
        for (var i = 0; i < pixels.Length; i++) pixels[i] = source[i] / 255f;
        return new MnistImages(count, rows, cols, pixels);
    }

    /// <summary>Reads an IDX labels file; every label must be a digit class 0..9.</summary>
    public static int[] ReadLabels(string path)
    {
        var fullPath = DataFileReader.RequireFile(path, "MNIST labels file");
        var (bytes, wasGzip) = DataFileReader.ReadAllBytesDecompressed(fullPath);
        CheckMagic(fullPath, bytes, wasGzip, LabelsHeaderBytes, LabelsMagic, "labels", ImagesMagic, "images");
        RequireHeader(fullPath, bytes, wasGzip, LabelsHeaderBytes, "labels");

        var count = ReadHeaderInt(fullPath, bytes, 4, "label count");
        RequireExactLength(fullPath, bytes, wasGzip, LabelsHeaderBytes + (long)count, $"{count} labels");

        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            int label = bytes[LabelsHeaderBytes + i];
            if (label >= ClassCount)
                throw new DataFormatException(fullPath,
                    $"label {label} at index {i} is outside 0..{ClassCount - 1}");
            labels[i] = label;
        }
        return labels;
    }

    private static string FindSplitFile(string folder, string baseName, string description)
    {
        var rawPath = Path.GetFullPath(Path.Combine(folder, baseName));
        var gzipPath = rawPath + ".gz";
        if (File.Exists(rawPath)) return rawPath;
        if (File.Exists(gzipPath)) return gzipPath;
        throw new FileNotFoundException(
            $"{description} not found: neither '{rawPath}' nor '{gzipPath}' exists", gzipPath);
    }

    private static void RequireHeader(string path, byte[] bytes, bool wasGzip, int headerBytes, string kind)
    {
        if (bytes.Length < headerBytes)
            throw new DataFormatException(path,
                $"is truncated: the IDX {kind} header needs {headerBytes} bytes, found {bytes.Length}{AfterGunzip(wasGzip)}");
    }

    // Checked before the rest of the header: "this is the wrong file" is more useful than "too short" when both hold.
    private static void CheckMagic(string path, byte[] bytes, bool wasGzip, int headerBytes, uint expected, string kind,
        uint otherMagic, string otherKind)
    {
        if (bytes.Length == 0)
            throw new DataFormatException(path, wasGzip
                ? $"is empty: the gzip stream holds no data, expected an IDX {kind} file"
                : $"is empty, expected an IDX {kind} file");
        if (bytes.Length < sizeof(uint)) RequireHeader(path, bytes, wasGzip, headerBytes, kind);
        var found = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (found == expected) return;
        var hint = found == otherMagic
            ? $"; 0x{otherMagic:X8} is the IDX {otherKind} magic: is this the {otherKind} file?"
            : "";
        throw new DataFormatException(path,
            $"wrong magic number: found 0x{found:X8}, expected 0x{expected:X8} (IDX {kind}){hint}");
    }

    private static int ReadHeaderInt(string path, byte[] bytes, int offset, string what)
    {
        var value = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset));
        if (value > int.MaxValue)
            throw new DataFormatException(path, $"header {what} {value} is too large");
        return (int)value;
    }

    // Extra bytes are rejected as well as missing ones: either way the header does not describe the file, which
    // usually means a different format or a wrongly spliced file.
    private static void RequireExactLength(string path, byte[] bytes, bool wasGzip, long expected, string contents)
    {
        if (bytes.Length < expected)
            throw new DataFormatException(path,
                $"is truncated: header announces {contents}, expected {expected} bytes, found {bytes.Length}{AfterGunzip(wasGzip)}");
        if (bytes.Length > expected)
            throw new DataFormatException(path,
                $"has trailing data: header announces {contents}, expected {expected} bytes, found {bytes.Length}{AfterGunzip(wasGzip)}");
    }

    private static string AfterGunzip(bool wasGzip) => wasGzip ? " (after gzip decompression)" : "";
}
