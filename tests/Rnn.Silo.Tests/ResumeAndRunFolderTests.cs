using System.Collections.Concurrent;
using Orleans.Streams;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Training.Checkpoints;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Runs;
using Rnn.Training.Steps;

namespace Rnn.Silo.Tests;

public sealed class ResumeAndRunFolderTests
{
    [Fact]
    public async Task StoppedClusterResumesFromTheCheckpointOnANewClusterAndEndsLikeTheTrainer()
    {
        var root = Path.Combine(Path.GetTempPath(), "rnn-resume-tests-" + Guid.NewGuid().ToString("N")[..12]);
        var json = TestJobs.Mnist(shards: 2, steps: 200, name: "resumed", checkpointEvery: 5);
        var folder = Path.Combine(root, "resumed");
        try
        {
            var first = await TestClusters.StartAsync(2, root);
            try
            {
                var submitted = await TestJobs.SubmitAsync(first.Client.GetGrain<IJobGrain>("resumed"), json);
                Assert.True(submitted.Accepted, submitted.Message);
                await TestClusters.WaitForStepAsync(first.Client, "resumed", 12);
            }
            finally
            {
                await first.DisposeAsync();
            }
            var layout = LayoutOf(json);
            var stoppedAt = CheckpointStore.Read(Path.Combine(folder, "checkpoint"), layout).Step;
            Assert.InRange(stoppedAt, 10, 195);
            Assert.False(File.Exists(Path.Combine(folder, "summary.json")));

            // Nobody resubmits: the new cluster's silos find the unfinished folder and resume it.
            var second = await TestClusters.StartAsync(1, root);
            try
            {
                var status = await TestClusters.WaitForEndAsync(second.Client, "resumed", TimeSpan.FromSeconds(60));
                Assert.True(status.State == JobState.Completed, status.FailureReason);
                var expected = TestJobs.TrainerHash(json);
                Assert.Equal(expected, status.ParametersSha256);
                RunFolderAssert.CompletedWithHash(folder, 200, expected);
            }
            finally
            {
                await second.DisposeAsync();
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task AnEarlyStoppingJobResumedOnANewClusterStopsAndKeepsTheBestModelLikeTheTrainer()
    {
        // The validation monitor is rebuilt from evaluations.jsonl up to the checkpoint: the resumed run must count
        // patience and pick the best model exactly as an uninterrupted one.
        var root = Path.Combine(Path.GetTempPath(), "rnn-resume-tests-" + Guid.NewGuid().ToString("N")[..12]);
        // A slow learner (lr 0.005: it stops at step 174), so the first cluster, stopped after step 10, cannot finish
        // the run while it shuts down (at lr 0.05 it stopped at step 96, and a quiet machine got there first).
        var json = TestJobs.MnistEarlyStopping(shards: 2, "resumed-early", minDelta: 0, patience: 4, lr: 0.005, epochs: 80);
        var reference = TestJobs.TrainerRun(json);
        Assert.True(reference.Steps > 150, $"the reference stopped at step {reference.Steps}, too close to when the cluster is stopped");
        Assert.NotNull(reference.StopReason);
        var folder = Path.Combine(root, "resumed-early");
        try
        {
            var first = await TestClusters.StartAsync(2, root);
            try
            {
                var submitted = await TestJobs.SubmitAsync(first.Client.GetGrain<IJobGrain>("resumed-early"), json);
                Assert.True(submitted.Accepted, submitted.Message);
                await TestClusters.WaitForStepAsync(first.Client, "resumed-early", 10);
                // Killed, as a crash ends a cluster: a graceful shutdown lets the job's grain go on stepping while the
                // silos stop, and a quiet machine finished the run in that time (CI, 2026-12-08).
                foreach (var silo in first.Silos.ToList()) await first.KillSiloAsync(silo);
            }
            finally
            {
                await first.DisposeAsync();
            }
            Assert.False(File.Exists(Path.Combine(folder, "summary.json")));

            var second = await TestClusters.StartAsync(1, root);
            try
            {
                var status = await TestClusters.WaitForEndAsync(second.Client, "resumed-early", TimeSpan.FromSeconds(90));
                Assert.True(status.State == JobState.Completed, status.FailureReason);
                Assert.Equal(reference.Steps, status.Step);
                Assert.Equal(reference.Hash, status.ParametersSha256);
                Assert.Equal(reference.StopReason, status.Summary?.StoppedEarly);
                var best = Rnn.Training.Safetensors.SafetensorsFile.Read(Path.Combine(folder, "best", "model.safetensors"));
                Assert.Equal(reference.BestHash, best.Metadata["parameters_sha256"]);
                var steps = EvaluationLog.Read(Path.Combine(folder, EvaluationLog.FileName)).Select(r => r.Step).ToArray();
                Assert.Equal(Enumerable.Range(1, steps.Length).Select(e => 6L * e), steps);
            }
            finally
            {
                await second.DisposeAsync();
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task TextJobWithCarriedStateOnThreeSilosEqualsTheTrainer()
    {
        var root = Path.Combine(Path.GetTempPath(), "rnn-text-tests-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var cluster = await TestClusters.StartAsync(3, root);
            try
            {
                var json = TestJobs.Text(shards: 3, steps: 12, name: "text-3", checkpointEvery: 4);
                var status = await TestClusters.RunToEndAsync(cluster.Client, "text-3", json);
                Assert.True(status.State == JobState.Completed, status.FailureReason);
                Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
                Assert.Equal(3, status.LastMetrics!.Shards.Select(s => s.Silo).Distinct().Count());
                Assert.Contains("bits_per_char", status.Summary!.Test.Keys);
            }
            finally
            {
                await cluster.DisposeAsync();
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task FinishedJobLeavesItsRunFolderAndPublishesOneEvaluationPerEpoch()
    {
        var root = Path.Combine(Path.GetTempPath(), "rnn-folder-tests-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var cluster = await TestClusters.StartAsync(1, root);
            try
            {
                // 256 samples, batch 32: 8 steps per epoch, so 16 steps are two epochs.
                var json = TestJobs.Mnist(shards: 2, steps: 16, name: "folder", checkpointEvery: 5);
                var evaluations = new ConcurrentQueue<EvaluationMetrics>();
                var stream = cluster.Client.GetStreamProvider(StreamNames.Provider)
                    .GetStream<EvaluationMetrics>(StreamId.Create(StreamNames.EvaluationNamespace, "folder-job"));
                await stream.SubscribeAsync((e, _) =>
                {
                    evaluations.Enqueue(e);
                    return Task.CompletedTask;
                });
                var status = await TestClusters.RunToEndAsync(cluster.Client, "folder-job", json);
                Assert.True(status.State == JobState.Completed, status.FailureReason);
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
                while (evaluations.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(20);

                var expected = TestJobs.TrainerHash(json);
                var folder = Path.Combine(root, "folder");
                Assert.Equal(Path.GetFullPath(folder), status.JobFolder);
                Assert.Equal(json, File.ReadAllText(Path.Combine(folder, "job.json")));
                RunFolderAssert.CompletedWithHash(folder, 16, expected);
                var parameters = ModelFile.ReadParameters(Path.Combine(folder, "model.safetensors"), LayoutOf(json));
                Assert.Equal(expected, ParameterHash.Sha256(LayoutOf(json), parameters));

                var summary = RunSummary.Read(Path.Combine(folder, "summary.json"));
                Assert.True(summary.WallSeconds > 0 && summary.SamplesPerSecond > 0);
                Assert.InRange(summary.Test["accuracy"], 0, 1);
                Assert.True(summary.Test["loss"] > 0);
                Assert.Equal(summary.Test, status.Summary!.Test);
                Assert.Equal(summary.SamplesPerSecond, status.Summary.SamplesPerSecond);

                var received = evaluations.ToArray();
                Assert.Equal([8L, 16], received.Select(e => e.Step));
                Assert.Equal([0, 1], received.Select(e => e.Epoch));
                Assert.Equal(summary.Test["accuracy"], received[^1].Metrics["accuracy"]);
                Assert.Equal(16, status.LastEvaluation!.Step);
            }
            finally
            {
                await cluster.DisposeAsync();
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static ParameterLayout LayoutOf(string json)
    {
        var setup = TrainingSetup.Load(JobSpecParser.Parse(json, "layout"), jobFileDirectory: null);
        return setup.CreateModel(new Rnn.Kernels.Compute.CpuCompute(1)).Layout;
    }
}
