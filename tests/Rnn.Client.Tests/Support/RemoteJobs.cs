using System.Text.Json.Nodes;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Steps;
using Rnn.Training.SingleProcess;

namespace Rnn.Client.Tests.Support;

/// <summary>Tiny jobs for the cluster tests, each with its own name (run folders are named by job name).</summary>
internal static class RemoteJobs
{
    /// <summary>MNIST rows, limit 256, LSTM 16, batch 32 over 2 shards.</summary>
    public static JsonObject Mnist(string name, int steps)
    {
        var job = TestJobs.TinyMnist();
        job["name"] = name;
        job["training"]!["steps"] = steps;
        job["training"]!["shards"] = 2;
        return job;
    }

    /// <summary>A character LSTM on the first 4000 characters of Moby-Dick: window 16, batch 8.</summary>
    public static JsonObject Text(string name, int steps) => JsonNode.Parse($$"""
        { "name": "{{name}}", "seed": 3,
          "data": { "kind": "text", "path": {{JsonValue.Create(Path.Combine(RepositoryRoot.Path, "data", "text", "moby-dick.txt")).ToJsonString()}},
                    "window": 16, "limit": 4000 },
          "model": { "layers": [ { "type": "embedding", "units": 8 }, { "type": "lstm", "units": 16, "return_sequences": true },
                                 { "type": "dense", "units": "vocab" } ] },
          "loss": "sparse_categorical_crossentropy",
          "metrics": ["accuracy"],
          "optimizer": { "type": "adam", "lr": 0.01 },
          "training": { "steps": {{steps}}, "batch_size": 8 },
          "backend": "cpu" }
        """)!.AsObject();

    /// <summary>The parameter hash the single-process Trainer reaches on the job.</summary>
    public static string TrainerHash(JsonObject job)
    {
        var setup = TrainingSetup.Load(JobSpecParser.Parse(job.ToJsonString(), "reference"), jobFileDirectory: null);
        using var trainer = new Trainer(setup, threads: 1);
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        return ParameterHash.Sha256(trainer.Layout, trainer.Parameters);
    }
}
