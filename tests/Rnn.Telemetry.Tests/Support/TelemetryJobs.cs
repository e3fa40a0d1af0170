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
    public static string Mnist(string name, int shards, int steps, int checkpointEvery) => $$"""
        { "name": "{{name}}", "seed": 5,
          "data": { "kind": "mnist-rows", "path": {{JsonSerializer.Serialize(Path.Combine(RepositoryPaths.Root, "data", "mnist"))}}, "limit": 256 },
          "model": { "layers": [ { "type": "gru", "units": 16 }, { "type": "dense", "units": 10, "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy",
          "metrics": ["accuracy"],
          "optimizer": { "type": "adam", "lr": 0.01, "clip_norm": 0.5 },
          "training": { "steps": {{steps}}, "batch_size": 32, "shards": {{shards}}, "checkpoint_every": {{checkpointEvery}},
                        "eval_every": {{checkpointEvery}} } }
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
