using System.Globalization;
using System.Text.Json.Nodes;
using Rnn.Client.Tests.Support;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Training.Runs;
using Rnn.Training.Safetensors;
using Rnn.Training.Steps;

namespace Rnn.Client.Tests.Commands;

/// <summary>
/// rnn predict on each data kind, against a model folder as a run leaves it (model.safetensors + job.json): its
/// outputs are the model's own, sample by sample, in the data's units.
/// </summary>
public sealed class PredictCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task MnistRowsGiveEachImagesLabelClassProbabilitiesAndTheModelsLogits()
    {
        var (model, setup) = ModelFolders.Train(_folder, TestJobs.TinyMnist(), "mnist-model");

        var run = await CliRun.Of("predict", model, RepositoryRoot.MnistFolder, "--limit", "5", "--format", "jsonl");

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = run.OutLines.Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(5, rows.Length);
        var expected = LogitsOneByOne(model, setup, 5);
        for (var n = 0; n < 5; n++)
        {
            var logits = rows[n]["logits"]!.AsArray().Select(v => (float)(double)v!).ToArray();
            var probabilities = rows[n]["probabilities"]!.AsArray().Select(v => (double)v!).ToArray();
            Assert.Equal(n, (int)rows[n]["index"]!);
            Assert.Equal(setup.TestSamples!.Label(n), (int)rows[n]["label"]!);
            Assert.Equal(expected[n], logits);
            Assert.Equal(Array.IndexOf(logits, logits.Max()), (int)rows[n]["predicted"]!);
            Assert.Equal(1.0, probabilities.Sum(), 12);
        }
    }

    [Fact]
    public async Task MnistRowsAsCsvHaveAHeaderAndOneLinePerImage()
    {
        var (model, _) = ModelFolders.Train(_folder, TestJobs.TinyMnist(), "mnist-model");
        var output = _folder.File("predictions.csv");

        var run = await CliRun.Of("predict", model, RepositoryRoot.MnistFolder, "--limit", "3", "-o", output);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"wrote {output}: 3 predictions", run.Error.Trim());
        var lines = File.ReadAllLines(output);
        Assert.Equal("index,label,predicted,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Equal(13, l.Split(',').Length));
    }

    [Fact]
    public async Task CsvForecastsEveryWindowInTheColumnsUnitsWithTheActualValuesWhereTheyExist()
    {
        var values = Enumerable.Range(0, 40).Select(i => 100 + 10 * Math.Sin(i / 3.0) + i).ToArray();
        var data = _folder.WriteText("series.csv", "v\n" + string.Join('\n', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\n");
        var job = JsonNode.Parse($$"""
            { "name": "forecast", "seed": 3,
              "data": { "kind": "csv", "path": {{JsonValue.Create(data).ToJsonString()}}, "column": "v", "window": 4, "horizon": 2 },
              "model": { "layers": [ { "type": "gru", "units": 8 }, { "type": "dense", "units": 2 } ] },
              "loss": "mse", "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": 3, "batch_size": 8 }, "backend": "cpu" }
            """)!.AsObject();
        var (model, setup) = ModelFolders.Train(_folder, job, "forecast-model");

        var run = await CliRun.Of("predict", model, data);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.OutLines;
        Assert.Equal("index,prediction_1,prediction_2,target_1,target_2", lines[0]);
        Assert.Equal(40 - 4 + 1, lines.Length - 1);
        var first = lines[1].Split(',');
        Assert.Equal(values[4], double.Parse(first[3], CultureInfo.InvariantCulture));
        Assert.Equal(values[5], double.Parse(first[4], CultureInfo.InvariantCulture));
        // The model's output for the first window, denormalised with the training part's mean and std.
        var windows = setup.Windows!;
        var input = values[..4].Select(v => (float)((v - windows.Mean) / windows.Std)).ToArray();
        var output = ForwardOne(model, setup, input, 4);
        Assert.Equal(windows.Denormalize(output[0]), double.Parse(first[1], CultureInfo.InvariantCulture));
        Assert.Equal(windows.Denormalize(output[1]), double.Parse(first[2], CultureInfo.InvariantCulture));
        // The last windows forecast past the end of the column: no actual value there.
        Assert.Equal(values[39], double.Parse(lines[^2].Split(',')[3], CultureInfo.InvariantCulture));
        Assert.Equal("", lines[^2].Split(',')[4]);
        Assert.Equal(["", ""], lines[^1].Split(',')[3..]);
    }

    [Fact]
    public async Task AFolderWithoutJobJsonAndAModelFileWithoutItsJobAsksForTheJobFile()
    {
        var (model, _) = ModelFolders.Train(_folder, TestJobs.TinyMnist(), "mnist-model");
        File.Delete(Path.Combine(model, "job.json"));
        // A model file written before the job was saved in its metadata.
        var path = Path.Combine(model, "model.safetensors");
        var file = SafetensorsFile.Read(path);
        SafetensorsWriter.Write(path, file.Tensors, file.Metadata.Where(m => m.Key != "resolved_job").ToDictionary());

        var run = await CliRun.Of("predict", model, RepositoryRoot.MnistFolder);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{Path.Combine(model, "job.json")} does not exist and {path} holds no saved job: pass the model's job file with --job JOB.json",
            run.Error, StringComparison.Ordinal);
    }

    private static float[][] LogitsOneByOne(string folder, TrainingSetup setup, int count)
    {
        var samples = setup.TestSamples!;
        return Enumerable.Range(0, count).Select(n =>
        {
            var batch = new SequenceBatch(samples.Steps, 1, samples.Features, false, 1, 0);
            samples.CopySample(n, batch, 0);
            return ForwardOne(folder, setup, batch.Features, samples.Steps);
        }).ToArray();
    }

    /// <summary>The model's output for one sample, run alone (batch 1).</summary>
    private static float[] ForwardOne(string folder, TrainingSetup setup, float[] features, int steps)
    {
        using var compute = new CpuCompute(1);
        var model = setup.CreateModel(compute);
        var parameters = ModelFile.ReadParameters(Path.Combine(folder, "model.safetensors"), model.Layout);
        return model.Forward(parameters, features, default, steps, 1, null, false, 0).ToArray();
    }
}
