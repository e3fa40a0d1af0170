using System.IO.Compression;
using System.Runtime.InteropServices;
using Rnn.Training.Data;
using Rnn.Training.Data.Numpy;
using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Tests.Data;

public sealed class NumpySequenceReaderTests
{
    /// <summary>x[i, t, f] = 10 i + t + f / 10, shape (4, 3, 2).</summary>
    private static float[] Features()
    {
        var x = new float[4 * 3 * 2];
        for (var i = 0; i < 4; i++)
            for (var t = 0; t < 3; t++)
                for (var f = 0; f < 2; f++) x[(i * 3 + t) * 2 + f] = 10 * i + t + f / 10f;
        return x;
    }

    [Fact]
    public void A_partition_reads_only_its_samples_up_to_their_lengths()
    {
        using var folder = new TemporaryFolder();
        NpyWriter.Write(folder.File("x.npy"), Features(), 4, 3, 2);
        NpyWriter.Write(folder.File("y.npy"), [2, 0, 1, 2], 4);
        NpyWriter.Write(folder.File("lengths.npy"), [3L, 1, 2, 3], 4);

        using var reader = NumpySequenceReader.OpenNpy(folder.File("x.npy"), folder.File("y.npy"), folder.File("lengths.npy"),
            SequenceTargetKind.ClassPerSequence);
        var data = reader.Read([1, 2]);

        Assert.Equal((4, 3, 2), (reader.Count, reader.Steps, reader.Features));
        Assert.Equal(2, data.Count);
        Assert.Equal([1, 2], [data.Length(0), data.Length(1)]);
        Assert.Equal([10f, 10.1f], data.FeaturesOf(0).ToArray());
        Assert.Equal([20f, 20.1f, 21f, 21.1f], data.FeaturesOf(1).ToArray());
        Assert.Equal([0, 1], [data.ClassOf(0), data.ClassOf(1)]);
        Assert.Equal("sample 2", data.Describe(1));
    }

    [Fact]
    public void Integer_tokens_with_per_step_classes()
    {
        using var folder = new TemporaryFolder();
        NpyWriter.Write(folder.File("x.npy"), NpyDtype.UInt8, [5, 6, 7, 8, 9, 10], [2, 3]);
        NpyWriter.Write(folder.File("y.npy"), [6L, 7, 8, 9, 10, 11], 2, 3);

        using var reader = NumpySequenceReader.OpenNpy(folder.File("x.npy"), folder.File("y.npy"), null, SequenceTargetKind.ClassPerStep);
        var data = reader.ReadAll();

        Assert.True(data.IsTokens);
        Assert.Equal([8, 9, 10], data.TokensOf(1).ToArray());
        Assert.Equal([9, 10, 11], data.StepClassesOf(1).ToArray());
    }

    [Fact]
    public void Float64_value_targets_of_width_K()
    {
        using var folder = new TemporaryFolder();
        NpyWriter.Write(folder.File("x.npy"), Features(), 4, 3, 2);
        NpyWriter.Write(folder.File("y.npy"), [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5], 4, 2);

        using var reader = NumpySequenceReader.OpenNpy(folder.File("x.npy"), folder.File("y.npy"), null, SequenceTargetKind.ValuesPerSequence);
        var data = reader.Read([3]);

        Assert.Equal(2, data.TargetWidth);
        Assert.Equal([6.5f, 7.5f], data.ValuesOf(0).ToArray());
    }

    [Fact]
    public void Npz_members_stored_and_deflated_read_alike()
    {
        using var folder = new TemporaryFolder();
        foreach (var (name, level) in new[] { ("stored.npz", CompressionLevel.NoCompression), ("deflated.npz", CompressionLevel.Optimal) })
        {
            var path = folder.File(name);
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            {
                WriteMember(zip, "x.npy", level, NpyDtype.Float32, MemoryMarshal.AsBytes(Features().AsSpan()), [4, 3, 2]);
                WriteMember(zip, "y.npy", level, NpyDtype.Int64, MemoryMarshal.AsBytes<long>([3, 2, 1, 0]), [4]);
                WriteMember(zip, "lengths.npy", level, NpyDtype.Int32, MemoryMarshal.AsBytes<int>([1, 2, 3, 2]), [4]);
            }
            using var reader = NumpySequenceReader.OpenNpz(path, SequenceTargetKind.ClassPerSequence);
            var data = reader.Read([3]);
            Assert.Equal([30f, 30.1f, 31f, 31.1f], data.FeaturesOf(0).ToArray());
            Assert.Equal(0, data.ClassOf(0));
            Assert.Equal($"{path}, array 'x'", data.Source);
        }
    }

    [Fact]
    public void A_missing_npz_array_lists_the_arrays_there()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("d.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            WriteMember(zip, "x.npy", CompressionLevel.Optimal, NpyDtype.Float32, MemoryMarshal.AsBytes(Features().AsSpan()), [4, 3, 2]);
        var error = Assert.Throws<DataFormatException>(() => NumpySequenceReader.OpenNpz(path, SequenceTargetKind.ClassPerSequence));
        Assert.Equal($"{path}: has no array 'y'; it holds 'x'", error.Message);
    }

    [Fact]
    public void Sample_counts_that_differ_name_both_arrays()
    {
        using var folder = new TemporaryFolder();
        NpyWriter.Write(folder.File("x.npy"), Features(), 4, 3, 2);
        NpyWriter.Write(folder.File("y.npy"), [1, 2, 3], 3);
        var error = Assert.Throws<DataFormatException>(() =>
            NumpySequenceReader.OpenNpy(folder.File("x.npy"), folder.File("y.npy"), null, SequenceTargetKind.ClassPerSequence));
        Assert.Equal($"{folder.File("y.npy")}: y has 3 samples (shape (3,)) but x has 4 ({folder.File("x.npy")}); the first dimensions must agree",
            error.Message);
    }

    [Fact]
    public void Two_dimensional_float_x_is_refused_with_the_reshape_to_use()
    {
        using var folder = new TemporaryFolder();
        NpyWriter.Write(folder.File("x.npy"), new float[6], 2, 3);
        NpyWriter.Write(folder.File("y.npy"), [1, 2], 2);
        var error = Assert.Throws<DataFormatException>(() =>
            NumpySequenceReader.OpenNpy(folder.File("x.npy"), folder.File("y.npy"), null, SequenceTargetKind.ClassPerSequence));
        Assert.Contains("x is [N, T] of float32: two dimensions mean integer tokens; give float features as [N, T, F] (reshape to [N, T, 1] for one feature)", error.Message);
    }

    [Fact]
    public void Float_classes_are_refused_naming_the_shape_needed()
    {
        using var folder = new TemporaryFolder();
        NpyWriter.Write(folder.File("x.npy"), Features(), 4, 3, 2);
        NpyWriter.Write(folder.File("y.npy"), new float[4], 4);
        var error = Assert.Throws<DataFormatException>(() =>
            NumpySequenceReader.OpenNpy(folder.File("x.npy"), folder.File("y.npy"), null, SequenceTargetKind.ClassPerSequence));
        Assert.Equal($"{folder.File("y.npy")}: y has shape (4,) of float32; ClassPerSequence targets need [N] integer classes", error.Message);
    }

    [Fact]
    public void A_length_outside_one_to_T_names_the_sample()
    {
        using var folder = new TemporaryFolder();
        NpyWriter.Write(folder.File("x.npy"), Features(), 4, 3, 2);
        NpyWriter.Write(folder.File("y.npy"), [1, 2, 0, 1], 4);
        NpyWriter.Write(folder.File("lengths.npy"), [3, 3, 4, 0], 4);
        using var reader = NumpySequenceReader.OpenNpy(folder.File("x.npy"), folder.File("y.npy"), folder.File("lengths.npy"),
            SequenceTargetKind.ClassPerSequence);
        var error = Assert.Throws<DataFormatException>(() => reader.Read([0, 2]));
        Assert.Equal($"{folder.File("lengths.npy")}: lengths, sample 2: length 4 is outside 1..3 (T of x)", error.Message);
        // Sample 3's bad length is never read by a shard that does not own it.
        Assert.Equal(2, reader.Read([0, 1]).Count);
    }

    [Fact]
    public void NaN_in_features_names_sample_step_and_feature()
    {
        using var folder = new TemporaryFolder();
        var x = Features();
        x[(1 * 3 + 2) * 2 + 1] = float.NaN;
        NpyWriter.Write(folder.File("x.npy"), x, 4, 3, 2);
        NpyWriter.Write(folder.File("y.npy"), [1, 2, 0, 1], 4);
        using var reader = NumpySequenceReader.OpenNpy(folder.File("x.npy"), folder.File("y.npy"), null, SequenceTargetKind.ClassPerSequence);
        var error = Assert.Throws<DataFormatException>(() => reader.ReadAll());
        Assert.Equal($"{folder.File("x.npy")}: x, sample 1, step 2, feature 1: NaN is not a finite number; clean or drop this sample", error.Message);
    }

    [Fact]
    public void Infinity_past_a_sequence_length_is_padding_and_never_read()
    {
        using var folder = new TemporaryFolder();
        var x = Features();
        x[(0 * 3 + 2) * 2] = float.PositiveInfinity;
        NpyWriter.Write(folder.File("x.npy"), x, 4, 3, 2);
        NpyWriter.Write(folder.File("y.npy"), [1, 2, 0, 1], 4);
        NpyWriter.Write(folder.File("lengths.npy"), [2, 3, 3, 3], 4);
        using var reader = NumpySequenceReader.OpenNpy(folder.File("x.npy"), folder.File("y.npy"), folder.File("lengths.npy"),
            SequenceTargetKind.ClassPerSequence);
        Assert.Equal(11, reader.ReadAll().TotalSteps);
    }

    private static void WriteMember(ZipArchive zip, string name, CompressionLevel level, NpyDtype dtype, ReadOnlySpan<byte> data, long[] shape)
    {
        using var stream = zip.CreateEntry(name, level).Open();
        NpyWriter.Write(stream, dtype, data, shape);
    }
}
