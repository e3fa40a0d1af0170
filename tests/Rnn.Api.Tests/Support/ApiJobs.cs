using System.Text.Json;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Runs;
using Rnn.Training.Steps;
using Rnn.Training.SingleProcess;

namespace Rnn.Api.Tests.Support;

/// <summary>Tiny jobs on the repository's MNIST rows (256 samples, LSTM 16, batch 32).</summary>
internal static class ApiJobs
{
    public static string MnistPath => Path.Combine(RepositoryPaths.Root, "data", "mnist");

    public static string Mnist(string name, int steps, int shards = 2, int units = 16, int checkpointEvery = 50) => $$"""
        { "name": "{{name}}", "seed": 5,
          "data": { "kind": "mnist-rows", "path": {{JsonSerializer.Serialize(MnistPath)}}, "limit": 256 },
          "model": { "layers": [ { "type": "lstm", "units": {{units}} }, { "type": "dense", "units": 10, "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy",
          "metrics": ["accuracy"],
          "optimizer": { "type": "adam", "lr": 0.01, "clip_norm": 0.5 },
          "training": { "steps": {{steps}}, "batch_size": 32, "shards": {{shards}}, "checkpoint_every": {{checkpointEvery}} } }
        """;

    /// <summary>The hash of a model file's parameters, read back in the layout of the job's model.</summary>
    public static string ModelFileHash(string jobJson, string modelPath)
    {
        var setup = TrainingSetup.Load(JobSpecParser.Parse(jobJson, "test"), jobFileDirectory: null);
        using var trainer = new Trainer(setup, threads: 1);
        return ParameterHash.Sha256(trainer.Layout, ModelFile.ReadParameters(modelPath, trainer.Layout));
    }
}
