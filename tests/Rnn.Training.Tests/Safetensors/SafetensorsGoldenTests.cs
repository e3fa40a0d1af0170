using Rnn.Training.Safetensors;

namespace Rnn.Training.Tests.Safetensors;

/// <summary>The libtorch reference cases (written by TorchSharp) read correctly.</summary>
public sealed class SafetensorsGoldenTests
{
    private static string GoldenFolder => Path.Combine(AppContext.BaseDirectory, "golden");

    private static string Golden(string name) => Path.Combine(GoldenFolder, name);

    public static TheoryData<string> GoldenFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(GoldenFolder, "*.safetensors").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void All_nine_golden_files_are_present()
    {
        Assert.Equal(9, GoldenFiles().Count);
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void Every_golden_file_reads_and_survives_a_rewrite(string fileName)
    {
        var file = SafetensorsFile.Read(Golden(fileName));

        var kind = fileName.StartsWith("model_", StringComparison.Ordinal) ? "model" : "layer";
        Assert.Equal(kind, file.Metadata["kind"]);
        Assert.NotEmpty(file.Tensors);
        foreach (var tensor in file.Tensors)
        {
            Assert.True(tensor.DType is SafetensorsDType.F32 or SafetensorsDType.I64, $"{tensor} has an unexpected dtype");
            Assert.Equal(tensor.ElementCount * tensor.DType.ElementSize(), tensor.Data.Length);
        }
        foreach (var tensor in file.Tensors.Where(t => t.DType == SafetensorsDType.F32))
            Assert.All(tensor.ToFloat32(), value => Assert.True(float.IsFinite(value), $"{tensor} holds {value}"));

        // Our header layout differs from TorchSharp's (metadata first), but the tensors must survive unchanged.
        var rewritten = SafetensorsFile.Parse(SafetensorsWriter.Serialize(file.Tensors, file.Metadata), "rewritten");
        Assert.Equal(file.Metadata, rewritten.Metadata);
        Assert.Equal(file.Tensors.Select(t => t.ToString()), rewritten.Tensors.Select(t => t.ToString()));
        for (var i = 0; i < file.Tensors.Count; i++)
            Assert.Equal(file.Tensors[i].Data, rewritten.Tensors[i].Data);
    }

    [Fact]
    public void Lstm_model_case_has_the_documented_tensors()
    {
        var file = SafetensorsFile.Read(Golden("model_lstm_T4_B3_I4_H6_L1_C5.safetensors"));

        Assert.Equal("model", file.Metadata["kind"]);
        Assert.Equal("lstm", file.Metadata["cell"]);

        var weightIh = file["weight_ih_l0"];
        Assert.Equal(SafetensorsDType.F32, weightIh.DType);
        Assert.Equal([24, 4], weightIh.Shape);
        Assert.Equal(96, weightIh.ToFloat32().Length);

        Assert.Equal([24, 6], file["weight_hh_l0"].Shape);
        Assert.Equal([4, 3, 4], file["x"].Shape);
        Assert.Equal([5, 6], file["dense.weight"].Shape);
        Assert.Equal([5], file["dense.bias"].Shape);

        var labels = file["labels"];
        Assert.Equal(SafetensorsDType.I64, labels.DType);
        Assert.Equal([3], labels.Shape);
        Assert.All(labels.ToInt64(), label => Assert.InRange(label, 0L, 4L));

        // Tensors come in data order: x is first in this file, at offset 0.
        Assert.Equal("x", file.Tensors[0].Name);
    }

    [Theory]
    [InlineData("layer_gru_T5_B3_I4_H6_L1.safetensors", 3, 1)]
    [InlineData("layer_lstm_T7_B2_I3_H5_L2.safetensors", 4, 2)]
    [InlineData("layer_rnn_tanh_T7_B2_I3_H5_L2.safetensors", 1, 2)]
    public void Layer_cases_have_gate_stacked_weights(string fileName, int gates, int layers)
    {
        var file = SafetensorsFile.Read(Golden(fileName));
        var t = int.Parse(file.Metadata["T"], System.Globalization.CultureInfo.InvariantCulture);
        var b = int.Parse(file.Metadata["B"], System.Globalization.CultureInfo.InvariantCulture);
        var i = int.Parse(file.Metadata["I"], System.Globalization.CultureInfo.InvariantCulture);
        var h = int.Parse(file.Metadata["H"], System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal([t, b, i], file["x"].Shape);
        Assert.Equal([layers, b, h], file["h0"].Shape);
        Assert.Equal([gates * h, i], file["weight_ih_l0"].Shape);
        Assert.Equal([gates * h, h], file["weight_hh_l0"].Shape);
        Assert.Equal([gates * h], file["bias_ih_l0"].Shape);
        Assert.Equal([t, b, h], file["y"].Shape);
        if (layers > 1)
            Assert.Equal([gates * h, h], file["weight_ih_l1"].Shape);
    }
}
