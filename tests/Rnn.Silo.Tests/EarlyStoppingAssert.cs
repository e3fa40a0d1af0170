using System.Text.Json;
using Rnn.Contracts.Messages;
using Rnn.Training.Runs;
using Rnn.Training.Safetensors;

namespace Rnn.Silo.Tests;

/// <summary>A cluster run of <see cref="TestJobs.MnistEarlyStopping"/> against the single-process Trainer's.</summary>
internal static class EarlyStoppingAssert
{
    public static async Task MatchesTrainerAsync(Func<string, string, Task<JobStatus>> runToEnd, string name, int shards)
    {
        var json = TestJobs.MnistEarlyStopping(shards, name);
        var reference = TestJobs.TrainerRun(json);
        Assert.Equal(18, reference.Steps);
        var status = await runToEnd(name, json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Null(status.FailureReason);
        Assert.Equal(18, status.Step);
        Assert.Equal(reference.Hash, status.ParametersSha256);
        Assert.Equal(reference.StopReason, status.Summary!.StoppedEarly);
        Assert.StartsWith("stopped early at epoch 3 (step 18): val_loss did not improve", status.Summary.StoppedEarly);

        var folder = status.JobFolder!;
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json"))))
        {
            Assert.Equal(reference.StopReason, summary.RootElement.GetProperty("stopped_early").GetString());
            Assert.Equal(6, summary.RootElement.GetProperty("best").GetProperty("step").GetInt64());
        }
        using (var outcome = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "outcome.json"))))
            Assert.Equal(reference.StopReason, outcome.RootElement.GetProperty("reason").GetString());

        // best/ is a model directory of the best evaluation's parameters, the Trainer's best bit for bit.
        var best = SafetensorsFile.Read(Path.Combine(folder, "best", "model.safetensors"));
        Assert.Equal(reference.BestHash, best.Metadata["parameters_sha256"]);
        Assert.Equal("6", best.Metadata["step"]);
        Assert.True(File.Exists(Path.Combine(folder, "best", "job.json")));
        Assert.True(File.Exists(Path.Combine(folder, "best", "model.py")));
        Assert.Equal(6, BestModelFolder.ReadInfo(folder)!.Step);
        Assert.Equal([6L, 12, 18], EvaluationLog.Read(Path.Combine(folder, EvaluationLog.FileName)).Select(r => r.Step));
    }
}
