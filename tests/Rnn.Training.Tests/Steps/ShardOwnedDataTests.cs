using System.Globalization;
using System.Text.Json;
using Rnn.Tests.Shared;
using Rnn.Training.Data.Numpy;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.SingleProcess;
using Rnn.Training.Steps;
using Xunit.Abstractions;

namespace Rnn.Training.Tests.Steps;

/// <summary>Shards own their data: each shard reads only its partition, with the job's facts fixed at resolution.</summary>
public sealed class ShardOwnedDataTests(ITestOutputHelper output)
{
    private static readonly string ExamplesFolder = Path.Combine(RepositoryPaths.Root, "examples");

    /// <summary>x.npy [n, 6, 3] with lengths 1..6, y.npy 4 classes.</summary>
    internal static void WriteNpy(string folder, int n)
    {
        var x = new float[n * 6 * 3];
        var y = new long[n];
        var lengths = new long[n];
        var random = new Random(5);
        for (var i = 0; i < n; i++)
        {
            y[i] = i % 4;
            lengths[i] = 1 + random.Next(6);
            for (var j = 0; j < lengths[i] * 3; j++) x[i * 18 + j] = (float)(random.NextDouble() * 3 + y[i] + 100);
        }
        NpyWriter.Write(Path.Combine(folder, "x.npy"), x, n, 6, 3);
        NpyWriter.Write(Path.Combine(folder, "y.npy"), y, n);
        NpyWriter.Write(Path.Combine(folder, "lengths.npy"), lengths, n);
    }

    internal static string NpyJob(string folder, int shards, int steps, string extra = "\"test_fraction\": 0.2, \"validation_fraction\": 0.1, \"shuffle\": true, \"normalize\": \"standard\"") => $$"""
        { "name": "owned", "seed": 13,
          "data": { "kind": "numpy", "path": {{JsonSerializer.Serialize(Path.Combine(folder, "x.npy"))}}, "y": "y.npy", "lengths": "lengths.npy",
                    "target": "class", {{extra}} },
          "model": { "layers": [ { "type": "gru", "units": 8 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy", "optimizer": { "type": "adam", "lr": 0.01 },
          "training": { "steps": {{steps}}, "batch_size": 8, "shards": {{shards}} } }
        """;

    private static (string Hash, string Metrics) Train(JobSpec spec, string? folder)
    {
        using var trainer = new Trainer(TrainingSetup.Load(spec, folder), threads: 1);
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        var metrics = trainer.Evaluate().Metrics;
        return (ParameterHash.Sha256(trainer.Layout, trainer.Parameters),
            string.Join(" ", metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value.ToString("R", CultureInfo.InvariantCulture)}")));
    }

    private static JobSpec Example(string name, int limit, int steps, int shards)
    {
        var spec = JobSpecParser.Load(Path.Combine(ExamplesFolder, name));
        return spec.WithSteps(steps) with
        {
            Data = spec.Data with { Limit = limit },
            Training = spec.Training with { Shards = shards, BatchSize = 8 * shards },
        };
    }

    [Fact]
    public void Baseline_hashes()
    {
        using var folder = new TemporaryFolder();
        WriteNpy(folder.Path, 100);
        var lines = new List<string>
        {
            "npy4 " + Train(JobSpecParser.Parse(NpyJob(folder.Path, 4, 6), "j"), null),
            "npy1 " + Train(JobSpecParser.Parse(NpyJob(folder.Path, 1, 6), "j"), null),
            "npylimit " + Train(JobSpecParser.Parse(NpyJob(folder.Path, 2, 6, "\"test_fraction\": 0.2, \"limit\": 50"), "j"), null),
            "words " + Train(Example("words-language.json", 600, 5, 2), ExamplesFolder),
            "seattle " + Train(Example("seattle-weather.json", 400, 5, 4), ExamplesFolder),
            "co2 " + Train(Example("co2-forecast.json", 300, 5, 2), ExamplesFolder),
        };
        foreach (var line in lines) output.WriteLine(line);
        File.WriteAllLines("/tmp/h21/hashes-" + Environment.GetEnvironmentVariable("H21_TAG") + ".txt", lines);
    }
}
