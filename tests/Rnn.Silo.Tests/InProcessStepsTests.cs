using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;
using Rnn.Training.Runs;
using Rnn.Training.SingleProcess;
using Rnn.Training.Steps;

namespace Rnn.Silo.Tests;

/// <summary>
/// A one-silo cluster that runs its jobs' steps in the driver's silo (local mode's InProcessSteps): the same bits as
/// the single-process Trainer and the grains, every step's metrics on the stream in order, and its checkpoints the
/// same as the grains' (a run resumes across the two).
/// </summary>
public sealed class InProcessStepsTests(InProcessStepsFixture fixture) : IClassFixture<InProcessStepsFixture>, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rnn-in-process-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task LstmJobWithTwoShardsAndCheckpointsBetweenRunsAheadEndsWithTheTrainersParameters()
    {
        var json = TestJobs.Mnist(shards: 2, steps: 23, cell: "lstm", name: "in-process-lstm", checkpointEvery: 5);
        var status = await fixture.RunToEndAsync("in-process-lstm", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(23, status.Step);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
        RunFolderAssert.CompletedWithHash(status.JobFolder!, 23, status.ParametersSha256!);
    }

    [Fact]
    public async Task EvaluationsTakenDuringARunAheadAreTheTrainersAtTheirSteps()
    {
        // Eight steps an epoch: evaluations after 8, 16 and 23 steps inside one run-ahead (no validation monitor), and a
        // checkpoint after every step, so the steps also wait for the driver's writes (at most two snapshots pending).
        var json = TestJobs.Mnist(shards: 2, steps: 23, cell: "lstm", name: "in-process-evaluated", checkpointEvery: 1);
        var status = await fixture.RunToEndAsync("in-process-evaluated", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
        RunFolderAssert.CompletedWithHash(status.JobFolder!, 23, status.ParametersSha256!);
        var logged = EvaluationLog.Read(Path.Combine(status.JobFolder!, EvaluationLog.FileName));
        Assert.Equal([8L, 16L, 23L], logged.Select(r => r.Step));
        using var trainer = new Trainer(TrainingSetup.Load(JobSpecParser.Parse(json, "reference"), jobFileDirectory: null), threads: 1);
        foreach (var record in logged)
        {
            while (trainer.Step < record.Step) trainer.RunStep();
            var expected = trainer.Evaluate().Metrics;
            Assert.Equal(expected.OrderBy(m => m.Key), record.Metrics.OrderBy(m => m.Key));
        }
    }

    [Fact]
    public async Task StreamDataWithCarriedStateEndsWithTheTrainersParameters()
    {
        var json = TestJobs.Text(shards: 2, steps: 17, name: "in-process-text", checkpointEvery: 4);
        var status = await fixture.RunToEndAsync("in-process-text", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
    }

    [Fact]
    public async Task EveryStepsMetricsArriveOnTheStreamInOrderNamingEachShardsSilo()
    {
        const string jobId = "in-process-streamed";
        await using var recorder = await MetricsStreamRecorder.SubscribeAsync(fixture.Client, jobId);
        var status = await fixture.RunToEndAsync(jobId, TestJobs.Mnist(shards: 2, steps: 12, checkpointEvery: 5));
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        var metrics = await recorder.WaitForAsync(12);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), metrics.Select(m => m.Step));
        Assert.All(metrics, m =>
        {
            Assert.True(double.IsFinite(m.Loss) && m.Loss > 0);
            Assert.True(m.GradNorm > 0);
            Assert.Equal([0, 1], m.Shards.Select(s => s.Shard));
            Assert.All(m.Shards, s => Assert.True(s.Seconds > 0 && !string.IsNullOrEmpty(s.Silo), $"shard {s.Shard}: {s.Seconds} s on '{s.Silo}'"));
        });
        Assert.Equal(metrics[^1].Loss, status.LastMetrics!.Loss);
        // Stamped as each step ends on the compute thread, not when the driver takes it (up to 100 ms later, several at
        // once): a step's whole compute time lies between its predecessor's stamp and its own.
        Assert.All(metrics, m => Assert.NotNull(m.CompletedUtc));
        foreach (var (before, after) in metrics.Zip(metrics.Skip(1)))
        {
            var apart = (after.CompletedUtc!.Value - before.CompletedUtc!.Value).TotalSeconds;
            Assert.True(apart >= after.Seconds * 0.99, $"step {after.Step} took {after.Seconds} s but ended {apart} s after step {before.Step}");
        }
        Assert.True(status.LastEvaluation!.CompletedUtc >= metrics[^1].CompletedUtc,
            $"the last evaluation ended at {status.LastEvaluation.CompletedUtc:O}, before the last step at {metrics[^1].CompletedUtc:O}");
    }

    [Fact]
    public async Task CancelDuringARunAheadStopsAndKeepsTheRowsOfEveryStepTheDriverTook()
    {
        var job = fixture.Client.GetGrain<IJobGrain>("in-process-cancelled");
        // No checkpoint or evaluation for 10 000 steps: the cancel comes between two steps of one run-ahead.
        var json = TestJobs.Mnist(shards: 2, steps: 100_000, name: "in-process-cancelled", checkpointEvery: 10_000);
        Assert.True((await TestJobs.SubmitAsync(job, json)).Accepted);
        await TestClusters.WaitForStepAsync(fixture.Client, "in-process-cancelled", 3);
        await job.CancelAsync();
        var status = await TestClusters.WaitForEndAsync(fixture.Client, "in-process-cancelled", TimeSpan.FromSeconds(30));
        Assert.Equal(JobState.Cancelled, status.State);
        Assert.InRange(status.Step, 3, 9_999);
        RunFolderAssert.MetricsHaveEachStepOnce(status.JobFolder!, status.Step);
    }

    [Fact]
    public async Task ANonFiniteGradientUnderPolicyFailFailsAtItsStepNamingTheShard()
    {
        var json = NanPolicyTests.Job("fail");
        var status = await fixture.RunToEndAsync("in-process-nan", json);
        Assert.Equal(JobState.Failed, status.State);
        Assert.Equal("the gradient of shard 0 at step 2 is not finite (NaN or Inf); training.nan_policy is 'fail'", status.FailureReason);
        Assert.Equal(2, status.Step);
    }

    [Fact]
    public async Task EarlyStoppingEndsAtTheTrainersStepWithItsParametersAndBestModel()
    {
        await EarlyStoppingAssert.MatchesTrainerAsync(fixture.RunToEndAsync, "in-process-early-stop", shards: 2);
    }

    [Fact]
    public async Task ARunCheckpointedInProcessResumesOnTheGrainsAndEndsWithTheUninterruptedHash()
    {
        // Carried stream state in the checkpoint: the shards' state must move from the trainer to the shard grains.
        var json = TestJobs.Text(shards: 2, steps: 40, name: "across", checkpointEvery: 3);
        var first = await TestClusters.StartAsync(1, _root, inProcessSteps: true);
        JobStatus cancelled;
        try
        {
            var grain = first.Client.GetGrain<IJobGrain>("across");
            Assert.True((await TestJobs.SubmitAsync(grain, json)).Accepted);
            await TestClusters.WaitForStepAsync(first.Client, "across", 7);
            await grain.CancelAsync();
            cancelled = await TestClusters.WaitForEndAsync(first.Client, "across", TimeSpan.FromSeconds(30));
            Assert.Equal(JobState.Cancelled, cancelled.State);
        }
        finally
        {
            await first.DisposeAsync();
        }
        Assert.True(cancelled.Step < 40, "the job ended before the cancel reached it");

        var second = await TestClusters.StartAsync(1, _root);
        try
        {
            var grain = second.Client.GetGrain<IJobGrain>("across");
            var resumed = await grain.SubmitAsync(new JobSubmission(JobResolver.Resolve(JobSpecParser.Parse(json, "resume"), null), json, Resume: true));
            Assert.True(resumed.Accepted, resumed.Message);
            var status = await TestClusters.WaitForEndAsync(second.Client, "across", TimeSpan.FromSeconds(60));
            Assert.True(status.State == JobState.Completed, status.FailureReason);
            Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
