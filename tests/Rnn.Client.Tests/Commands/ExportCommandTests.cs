using System.Text.Json.Nodes;
using Rnn.Client.Tests.Support;
using Rnn.Kernels.Compute;
using Rnn.Training.Export;
using Rnn.Training.Runs;

namespace Rnn.Client.Tests.Commands;

/// <summary>
/// rnn export writes what OnnxExporter makes of the folder's model (whose outputs Rnn.Training.Tests checks against
/// ONNX Runtime), taking the input width from the model file, so a text model needs no corpus.
/// </summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ExportWritesTheModelsOnnxGraphAndSaysItsShapes()
    {
        var (model, setup) = ModelFolders.Train(_folder, TestJobs.TinyMnist(), "mnist-model");
        var onnx = _folder.File("model.onnx");

        var run = await CliRun.Of("export", model, "--onnx", onnx);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"wrote {onnx}: input [time, batch, 28] float -> output [batch, 10]", run.Out.Trim());
        using var compute = new CpuCompute(1);
        var built = setup.CreateModel(compute);
        var parameters = ModelFile.ReadParameters(Path.Combine(model, "model.safetensors"), built.Layout);
        Assert.Equal(OnnxExporter.Export(built, parameters, "tiny-mnist"), File.ReadAllBytes(onnx));
    }

    [Fact]
    public async Task TextModelTakesItsVocabularyFromTheModelFile()
    {
        var job = JsonNode.Parse($$"""
            { "name": "tiny-text", "seed": 3,
              "data": { "kind": "text", "path": {{JsonValue.Create(Path.Combine(RepositoryRoot.Path, "data", "text", "moby-dick.txt")).ToJsonString()}}, "window": 8, "limit": 2000 },
              "model": { "layers": [ { "type": "embedding", "units": 4 }, { "type": "gru", "units": 8, "return_sequences": true }, { "type": "dense", "units": "vocab" } ] },
              "loss": "sparse_categorical_crossentropy", "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": 2, "batch_size": 4 }, "backend": "cpu" }
            """)!.AsObject();
        var (model, setup) = ModelFolders.Train(_folder, job, "text-model");

        var run = await CliRun.Of("export", model, "--onnx", _folder.File("text.onnx"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var vocabulary = setup.Vocabulary!.Size;
        Assert.EndsWith($"input [time, batch] int64 token ids -> output [time, batch, {vocabulary}]", run.Out.Trim(), StringComparison.Ordinal);
    }
}
