using Rnn.Training.Steps;
using System.Collections.Concurrent;
using Orleans.Streams;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Kernels.Losses;
using Rnn.Training.Safetensors;

namespace Rnn.Silo.Tests;

public sealed class SingleSiloTrainingTests(SingleSiloFixture fixture) : IClassFixture<SingleSiloFixture>
{
    [Fact]
    public async Task JobEndsWithTheSingleProcessTrainersParameters()
    {
        var json = TestJobs.Mnist(shards: 4, steps: 6);
        var status = await fixture.RunToEndAsync("one-silo-gru", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(6, status.Step);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
    }

    [Fact]
    public async Task NumpyJobWithOwnedPartitionsOnOneSiloEndsWithTheTrainersParameters()
    {
        var json = TestJobs.Numpy(shards: 3, steps: 8, name: "one-silo-numpy");
        var status = await fixture.RunToEndAsync("one-silo-numpy", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(8, status.Step);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
    }

    [Fact]
    public async Task NpyJobOnOneSiloReadsEachShardsPartitionAloneAndEndsWithTheTrainersParameters()
    {
        var json = TestJobs.Npy(shards: 3, steps: 6, name: "one-silo-npy");
        var status = await fixture.RunToEndAsync("one-silo-npy", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
        var reads = TestJobs.PartitionReads(fixture.Cluster, "one-silo-npy", json);
        Assert.Equal([0, 1, 2], reads.Select(r => r.Read.Shard).Order());
    }

    [Fact]
    public async Task AShardsDataFileSwappedForAFolderAfterSubmissionFailsTheJobOnceNamingTheSiloAndFile()
    {
        var folder = Directory.CreateTempSubdirectory("rnn-unreadable-").FullName;
        try
        {
            var json = TestJobs.NpzWithTestFile(folder, shards: 2, name: "unreadable-partition");
            var job = Rnn.Training.Resolution.JobResolver.Resolve(Rnn.Training.Jobs.JobSpecParser.Parse(json, "job"), null);
            // After submission's resolution, the training file stops being a file: the shards cannot read it.
            var train = Path.Combine(folder, "train.npz");
            File.Delete(train);
            Directory.CreateDirectory(train);
            var grain = fixture.Client.GetGrain<IJobGrain>("unreadable-partition");
            Assert.True((await grain.SubmitAsync(new JobSubmission(job, json))).Accepted);
            var status = await TestClusters.WaitForEndAsync(fixture.Client, "unreadable-partition", TimeSpan.FromSeconds(60));

            Assert.Equal(JobState.Failed, status.State);
            Assert.Equal(0, status.Rollbacks);
            var silo = fixture.Cluster.Silos[0];
            Assert.Contains($"silo {silo.Name} ({silo.SiloAddress})", status.FailureReason);
            Assert.Contains("cannot read the partition of shard", status.FailureReason);
            Assert.Contains($"'{train}' is a folder, not a file", status.FailureReason);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ADataFileTruncatedAfterSubmissionFailsTheJobOnceWhereItIsEvaluated()
    {
        var folder = Directory.CreateTempSubdirectory("rnn-truncated-").FullName;
        try
        {
            var json = TestJobs.NpzWithTestFile(folder, shards: 2, name: "truncated-test");
            var job = Rnn.Training.Resolution.JobResolver.Resolve(Rnn.Training.Jobs.JobSpecParser.Parse(json, "job"), null);
            var test = Path.Combine(folder, "test.npz");
            using (var file = File.OpenWrite(test)) file.SetLength(file.Length / 2);
            var grain = fixture.Client.GetGrain<IJobGrain>("truncated-test");
            Assert.True((await grain.SubmitAsync(new JobSubmission(job, json))).Accepted);
            var status = await TestClusters.WaitForEndAsync(fixture.Client, "truncated-test", TimeSpan.FromSeconds(60));

            Assert.Equal(JobState.Failed, status.State);
            Assert.Equal(0, status.Rollbacks);
            Assert.Contains($"silo {fixture.Cluster.Silos[0].Name}", status.FailureReason);
            Assert.Contains("cannot read the validation and test data", status.FailureReason);
            Assert.Contains(test, status.FailureReason);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task AJobWhoseRecordWasLostReportsHowItEndedFromItsFolder()
    {
        // A job grain whose record went with a dead silo (or a second activation after a silo's death) must not say
        // "no job was submitted" for a run that finished: it reads outcome.json and summary.json. Here the record is
        // "lost" by giving a finished run's folder to a job id that never had a grain.
        var json = TestJobs.Mnist(shards: 2, steps: 4, name: "record-lost");
        var original = await fixture.RunToEndAsync("record-kept", json);
        Assert.True(original.State == JobState.Completed, original.FailureReason);
        var runJson = Path.Combine(original.JobFolder!, "run.json");
        File.WriteAllText(runJson, File.ReadAllText(runJson).Replace("\"record-kept\"", "\"record-lost\"", StringComparison.Ordinal));

        var status = await fixture.Client.GetGrain<IJobGrain>("record-lost").GetStatusAsync();
        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(4, status.Step);
        Assert.Equal(original.ParametersSha256, status.ParametersSha256);
        Assert.Equal(original.Summary!.Test["accuracy"], status.Summary!.Test["accuracy"]);
        Assert.Equal(original.JobFolder, status.JobFolder);
    }

    [Fact]
    public async Task LstmJobWithTwoShardsMatchesTheTrainer()
    {
        var json = TestJobs.Mnist(shards: 2, steps: 5, cell: "lstm");
        var status = await fixture.RunToEndAsync("one-silo-lstm", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
    }

    [Fact]
    public async Task AModelOfTwoParameterBlocksMatchesTheTrainer()
    {
        // LSTM-512 on 28 features: 1.1 M parameters, two blocks. Reduce and apply take two calls (the clip scale needs
        // both blocks' norms) and the shards pull and push block by block; a one-block model takes the short path.
        var json = TestJobs.Mnist(shards: 2, steps: 3, cell: "lstm", name: "two-blocks")
            .Replace("\"units\": 16", "\"units\": 512", StringComparison.Ordinal);
        using (var trainer = new Rnn.Training.SingleProcess.Trainer(
            TrainingSetup.Load(Rnn.Training.Jobs.JobSpecParser.Parse(json, "two-blocks"), jobFileDirectory: null)))
            Assert.Equal(2, trainer.Blocks.Count);
        var status = await fixture.RunToEndAsync("two-blocks", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
    }

    [Fact]
    public async Task BidirectionalJobMatchesTheTrainerAndSavesPyTorchsReverseNames()
    {
        var json = TestJobs.Mnist(shards: 2, steps: 3, cell: "lstm", name: "one-silo-bidirectional",
            recurrentOptions: TestJobs.Bidirectional("concat"));
        var status = await fixture.RunToEndAsync("one-silo-bidirectional", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);

        // As torch.nn.LSTM(28, 16, bidirectional=True) names them, and the head reads both directions (2 × 16).
        var model = SafetensorsFile.Read(Path.Combine(status.JobFolder!, "model.safetensors"));
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
             "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
             "dense.weight", "dense.bias"],
            model.Tensors.Select(t => t.Name));
        Assert.Equal([64, 16], model["weight_hh_l0_reverse"].Shape);
        Assert.Equal([10, 32], model["dense.weight"].Shape);
    }

    [Fact]
    public async Task MetricsArriveOnTheJobStreamOncePerStepInOrder()
    {
        const string jobId = "streamed";
        await using var recorder = await MetricsStreamRecorder.SubscribeAsync(fixture.Client, jobId);
        var status = await fixture.RunToEndAsync(jobId, TestJobs.Mnist(shards: 2, steps: 5));
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        var metrics = await recorder.WaitForAsync(5);
        Assert.Equal([0L, 1, 2, 3, 4], metrics.Select(m => m.Step));
        Assert.All(metrics, m =>
        {
            Assert.True(double.IsFinite(m.Loss) && m.Loss > 0);
            Assert.InRange(m.Accuracy!.Value, 0, 1);
            Assert.True(m.GradNorm > 0);
            Assert.True(m.SamplesPerSecond > 0);
            Assert.Equal(0.01, m.LearningRate, 6);
            Assert.Null(m.SkipReason);
            Assert.Equal([0, 1], m.Shards.Select(s => s.Shard));
            Assert.All(m.Shards, s => Assert.False(string.IsNullOrEmpty(s.Silo)));
        });
        Assert.Equal(metrics[^1].Step, status.LastMetrics!.Step);
        Assert.Equal(metrics[^1].Loss, status.LastMetrics.Loss);
    }

    [Fact]
    public async Task CancelledJobStopsAndSaysSo()
    {
        var job = fixture.Client.GetGrain<IJobGrain>("cancelled");
        var submitted = await TestJobs.SubmitAsync(job, TestJobs.Mnist(shards: 2, steps: 100_000));
        Assert.True(submitted.Accepted, submitted.Message);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JobStatus status;
        do
        {
            await Task.Delay(20);
            status = await job.GetStatusAsync();
        } while (status.Step < 3 && DateTime.UtcNow < deadline);
        await job.CancelAsync();
        do
        {
            await Task.Delay(50);
            status = await job.GetStatusAsync();
        } while (!status.IsFinished && DateTime.UtcNow < deadline);
        Assert.Equal(JobState.Cancelled, status.State);
        Assert.InRange(status.Step, 3, 99_999);
        // Rows are queued between checkpoints; cancelling writes those of every finished step.
        RunFolderAssert.MetricsHaveEachStepOnce(status.JobFolder!, status.Step);
    }

    [Fact]
    public async Task EarlyStoppingEndsAtTheTrainersStepWithItsParametersAndBestModel()
    {
        await EarlyStoppingAssert.MatchesTrainerAsync(fixture.RunToEndAsync, "one-silo-early-stop", shards: 2);
    }
}
