using System.Text.Json;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Silo.Jobs;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;
using Rnn.Training.Runs;
using Rnn.Training.SingleProcess;
using Rnn.Training.Steps;
using Rnn.Kernels.Tensors;

namespace Rnn.Silo.Tests;

/// <summary>
/// <c>rnn train --resume</c> (a submission with Resume) continues the newest run of the name from its checkpoint and
/// ends with the hash of an uninterrupted run; <c>init_from</c> fine-tunes to the single-process hash on 3 silos.
/// </summary>
public sealed class ResumeByHandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rnn-resume-by-hand-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static Task<SubmitResult> ResumeAsync(IJobGrain grain, string json) =>
        grain.SubmitAsync(new JobSubmission(JobResolver.Resolve(JobSpecParser.Parse(json, "resume"), null), json, Resume: true));

    [Fact]
    public async Task CancelledRunResumesFromItsCheckpointAndEndsWithTheUninterruptedHash()
    {
        var json = TestJobs.Mnist(shards: 2, steps: 150, name: "by-hand", checkpointEvery: 5);
        var folder = Path.Combine(_root, "by-hand");
        var cluster = await TestClusters.StartAsync(1, _root);
        try
        {
            var grain = cluster.Client.GetGrain<IJobGrain>("by-hand");
            var nothing = await ResumeAsync(grain, json);
            Assert.False(nothing.Accepted);
            Assert.Contains("there is no run of job 'by-hand' to resume", nothing.Message, StringComparison.Ordinal);

            Assert.True((await TestJobs.SubmitAsync(grain, json)).Accepted);
            await TestClusters.WaitForStepAsync(cluster.Client, "by-hand", 12);
            await grain.CancelAsync();
            var cancelled = await TestClusters.WaitForEndAsync(cluster.Client, "by-hand", TimeSpan.FromSeconds(30));
            Assert.Equal(JobState.Cancelled, cancelled.State);
            Assert.True(cancelled.Step < 150, "the job ended before the cancel reached it");

            // Another job file (here: its learning rate) is refused, naming the field.
            var changed = await ResumeAsync(grain, json.Replace("\"lr\": 0.01", "\"lr\": 0.02", StringComparison.Ordinal));
            Assert.False(changed.Accepted);
            Assert.Contains(changed.Errors, e => e.Field == "optimizer.lr" && e.Message.StartsWith("0.01 in the run being resumed", StringComparison.Ordinal));

            var resumed = await ResumeAsync(grain, json);
            Assert.True(resumed.Accepted, resumed.Message);
            var status = await TestClusters.WaitForEndAsync(cluster.Client, "by-hand", TimeSpan.FromSeconds(60));
            Assert.True(status.State == JobState.Completed, status.FailureReason);
            var expected = TestJobs.TrainerHash(json);
            Assert.Equal(expected, status.ParametersSha256);
            RunFolderAssert.CompletedWithHash(folder, 150, expected);
            var info = new RunFolder(folder).ReadRunInfo()!;
            Assert.InRange(info.ResumedStep!.Value, 10, cancelled.Step);
            Assert.False(Directory.Exists(Path.Combine(folder, RunFolder.EarlierRunsFolderName)));

            var finished = await ResumeAsync(grain, json);
            Assert.False(finished.Accepted);
            Assert.Contains("already completed all 150 steps; there is nothing to resume", finished.Message, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task StoppedRunResumedByHandOnANewClusterEndsWithTheUninterruptedHash()
    {
        var json = TestJobs.Mnist(shards: 2, steps: 150, name: "stopped", checkpointEvery: 5);
        var first = await TestClusters.StartAsync(1, _root);
        try
        {
            Assert.True((await TestJobs.SubmitAsync(first.Client.GetGrain<IJobGrain>("stopped"), json)).Accepted);
            await TestClusters.WaitForStepAsync(first.Client, "stopped", 12);
        }
        finally
        {
            await first.DisposeAsync();
        }

        // The new silo finds the run unfinished too; resuming by hand then follows the very same run.
        var second = await TestClusters.StartAsync(1, _root);
        try
        {
            var resumed = await ResumeAsync(second.Client.GetGrain<IJobGrain>("stopped"), json);
            Assert.True(resumed.Accepted, resumed.Message);
            var status = await TestClusters.WaitForEndAsync(second.Client, "stopped", TimeSpan.FromSeconds(60));
            Assert.True(status.State == JobState.Completed, status.FailureReason);
            var expected = TestJobs.TrainerHash(json);
            Assert.Equal(expected, status.ParametersSha256);
            RunFolderAssert.CompletedWithHash(Path.Combine(_root, "stopped"), 150, expected);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task FineTuningFromAFinishedModelOnThreeSilosEqualsTheTrainer()
    {
        // The model to start from: the single-process result of a short run of the same architecture.
        var baseJson = TestJobs.Mnist(shards: 2, steps: 6, name: "base");
        var setup = TrainingSetup.Load(JobSpecParser.Parse(baseJson, "base"), jobFileDirectory: null);
        var model = Directory.CreateDirectory(Path.Combine(_root, "models", "base")).FullName;
        using (var trainer = new Trainer(setup, threads: 1))
        {
            while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
            ModelFile.Write(Path.Combine(model, "model.safetensors"), setup, trainer.Layout, trainer.Parameters, trainer.Step);
        }
        var json = TestJobs.Mnist(shards: 4, steps: 9, name: "tuned", checkpointEvery: 4)
            .Replace("\"seed\": 5,", $"\"seed\": 5, \"init_from\": {JsonSerializer.Serialize(model)},", StringComparison.Ordinal);
        var expected = TestJobs.TrainerHash(json);
        Assert.NotEqual(TestJobs.TrainerHash(TestJobs.Mnist(shards: 4, steps: 9, name: "tuned", checkpointEvery: 4)), expected);

        var cluster = await TestClusters.StartAsync(3, Path.Combine(_root, "runs"));
        try
        {
            var status = await TestClusters.RunToEndAsync(cluster.Client, "tuned", json);
            Assert.True(status.State == JobState.Completed, status.FailureReason);
            Assert.Equal(expected, status.ParametersSha256);
            var resolved = new RunFolder(Path.Combine(_root, "runs", "tuned")).ReadResolvedJob();
            Assert.Equal(Path.Combine(model, "model.safetensors"), resolved.Spec.InitFrom);
            Assert.Equal(ParameterHash.Sha256(InitWeights.LayoutOf(resolved), ModelFile.ReadParameters(resolved.Spec.InitFrom!, InitWeights.LayoutOf(resolved))),
                resolved.InitFromSha256);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
