using System.Text.Json;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;

namespace Rnn.Telemetry.Tests.Support;

/// <summary>A tiny MNIST job on the repository's rows, and driving it to its end through any grain factory.</summary>
internal static class TelemetryJobs
{
    /// <summary>A GRU-16 classifier: 256 samples, batch 32 over <paramref name="shards"/> shards, an evaluation every few steps.</summary>
    public static string Mnist(string name, int shards, int steps, int checkpointEvery, string dataOptions = "") => $$"""
        { "name": "{{name}}", "seed": 5,
          "data": { "kind": "mnist-rows", "path": {{JsonSerializer.Serialize(Path.Combine(RepositoryPaths.Root, "data", "mnist"))}}, "limit": 256{{dataOptions}} },
          "model": { "layers": [ { "type": "gru", "units": 16 }, { "type": "dense", "units": 10, "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy",
          "metrics": ["accuracy"],
          "optimizer": { "type": "adam", "lr": 0.01, "clip_norm": 0.5 },
          "training": { "steps": {{steps}}, "batch_size": 32, "shards": {{shards}}, "checkpoint_every": {{checkpointEvery}},
                        "eval_every": {{checkpointEvery}} } }
        """;

    /// <summary>An LSTM-4 forecaster of the CO2 series with a validation split: RMSE and baseline RMSE gauges, by split.</summary>
    public static string Co2(string name, int steps) => $$"""
        { "name": "{{name}}", "seed": 5,
          "data": { "kind": "csv", "path": {{JsonSerializer.Serialize(Path.Combine(RepositoryPaths.Root, "data", "timeseries", "co2-concentration.csv"))}},
                    "column": "CO2", "window": 4, "validation_fraction": 0.1 },
          "model": { "layers": [ { "type": "lstm", "units": 4 }, { "type": "dense", "units": 1 } ] },
          "loss": "mse",
          "optimizer": { "type": "adam", "lr": 0.01 },
          "training": { "steps": {{steps}}, "batch_size": 8, "eval_every": {{steps}} } }
        """;

    /// <summary>A character LSTM-8 on the first 4000 characters (test and validation splits 1% each): the bits-per-character gauges.</summary>
    public static string Text(string name, int steps) => $$"""
        { "name": "{{name}}", "seed": 3,
          "data": { "kind": "text", "path": {{JsonSerializer.Serialize(Path.Combine(RepositoryPaths.Root, "data", "text", "moby-dick.txt"))}},
                    "window": 8, "limit": 4000, "test_fraction": 0.01, "validation_fraction": 0.01 },
          "model": { "layers": [ { "type": "embedding", "units": 4 }, { "type": "lstm", "units": 8, "return_sequences": true },
                                 { "type": "dense", "units": "vocab" } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "adam", "lr": 0.01 },
          "training": { "steps": {{steps}}, "batch_size": 4, "eval_every": {{steps}} } }
        """;

    /// <summary>Submits and polls until the job ends (60 s at most); fails the test unless it completed.</summary>
    public static async Task<JobStatus> RunToEndAsync(IGrainFactory grains, string jobId, string json)
    {
        // Parsed and resolved as a client's submission is, then given to the job grain.
        var job = JobResolver.Resolve(JobSpecParser.Parse(json, jobId), jobFileDirectory: null);
        var submitted = await grains.GetGrain<IJobGrain>(jobId).SubmitAsync(new JobSubmission(job, json));
        Assert.True(submitted.Accepted, submitted.Message);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await grains.GetGrain<IJobGrain>(jobId).GetStatusAsync();
            if (status.IsFinished)
            {
                Assert.True(status.State == JobState.Completed, status.FailureReason);
                return status;
            }
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} did not finish in 60 s; at step {status.Step}");
            await Task.Delay(25);
        }
    }
}
