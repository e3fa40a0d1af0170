using Grpc.Core;
using Rnn.Api.Tests.Support;
using Rnn.Contracts.Api.V1;

namespace Rnn.Api.Tests;

[Collection(ApiServerCollection.Name)]
public sealed class TrainingFlowTests(ApiServerFixture server)
{
    private TrainingService.TrainingServiceClient Client => server.Client;

    [Fact]
    public async Task Submit_watch_to_completion_and_download_a_model_whose_hash_is_the_jobs()
    {
        var json = ApiJobs.Mnist("api-flow", steps: 6);
        var jobId = await Client.SubmitAsync(Tenants.AlphaToken, json);
        Assert.Matches("^[0-9a-f]{32}$", jobId);

        var events = await Client.WatchToEndAsync(Tenants.AlphaToken, jobId);
        Assert.Equal([0L, 1, 2, 3, 4, 5], events.Where(e => e.EventCase == JobEvent.EventOneofCase.Step).Select(e => e.Step.Step));
        Assert.All(events.Where(e => e.EventCase == JobEvent.EventOneofCase.Step), e => Assert.True(double.IsFinite(e.Step.Loss)));
        Assert.Equal(JobState.Completed, events[^1].State.State);
        Assert.Contains(events, e => e.EventCase == JobEvent.EventOneofCase.Evaluation && e.Evaluation.Step == 6);
        // Live events carry when the job finished them (those the watch read back from the run folder do not): an
        // evaluation after every step it follows.
        var liveSteps = events.Where(e => e.EventCase == JobEvent.EventOneofCase.Step && e.Step.CompletedAt is not null)
            .Select(e => e.Step).ToArray();
        var liveEvaluations = events.Where(e => e.EventCase == JobEvent.EventOneofCase.Evaluation && e.Evaluation.CompletedAt is not null)
            .Select(e => e.Evaluation);
        foreach (var evaluation in liveEvaluations)
            foreach (var step in liveSteps.Where(s => s.Step < evaluation.Step))
                Assert.True(evaluation.CompletedAt.ToDateTime() >= step.CompletedAt.ToDateTime(),
                    $"evaluation {evaluation.Step} completed at {evaluation.CompletedAt}, before step {step.Step} at {step.CompletedAt}");

        var job = await Client.GetJobAsync(new GetJobRequest { JobId = jobId }, ApiServerFixture.Auth(Tenants.AlphaToken));
        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal("api-flow", job.Name);
        Assert.Equal(6, job.Step);
        Assert.Equal(6, job.TotalSteps);
        Assert.Matches("^[0-9a-f]{64}$", job.Summary.ParametersSha256.ToLowerInvariant());
        Assert.Equal(5, job.LastMetrics.Step);

        var model = Path.Combine(server.Folder, jobId + ".safetensors");
        await File.WriteAllBytesAsync(model, await Client.DownloadAsync(Tenants.AlphaToken, jobId, "model.safetensors"));
        Assert.Equal(job.Summary.ParametersSha256, ApiJobs.ModelFileHash(json, model));

        var summary = System.Text.Encoding.UTF8.GetString(await Client.DownloadAsync(Tenants.AlphaToken, jobId, "summary.json"));
        Assert.Contains(job.Summary.ParametersSha256, summary, StringComparison.Ordinal);
        var metrics = System.Text.Encoding.UTF8.GetString(await Client.DownloadAsync(Tenants.AlphaToken, jobId, "metrics.csv"));
        Assert.Equal(7, metrics.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"step\"", System.Text.Encoding.UTF8.GetString(await Client.DownloadAsync(Tenants.AlphaToken, jobId, "manifest.json")),
            StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_job_that_stops_early_completes_with_the_reason_in_its_summary_and_a_bad_monitor_is_refused_by_field()
    {
        // 192 training and 64 validation images, 6 steps an epoch; min_delta 10 lets only the first evaluation improve.
        var json = ApiJobs.Mnist("api-early-stop", steps: 60)
            .Replace("\"limit\": 256", "\"limit\": 256, \"validation_fraction\": 0.25", StringComparison.Ordinal)
            .Replace("\"checkpoint_every\": 50", "\"checkpoint_every\": 50, \"early_stopping\": { \"patience\": 2, \"min_delta\": 10 }", StringComparison.Ordinal);
        var jobId = await Client.SubmitAsync(Tenants.AlphaToken, json);
        var job = await Client.WaitUntilFinishedAsync(Tenants.AlphaToken, jobId);
        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(18, job.Step);
        Assert.Equal("", job.FailureReason);
        Assert.StartsWith("stopped early at epoch 3 (step 18): val_loss did not improve", job.Summary.StoppedEarly, StringComparison.Ordinal);
        Assert.Contains("val_accuracy", job.Summary.Test.Keys);

        var bad = json.Replace("\"patience\": 2", "\"monitor\": \"accuracy\", \"patience\": 2", StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.SubmitAsync(Tenants.AlphaToken, bad));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("training.early_stopping.monitor", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watch_that_reconnects_from_the_next_step_gets_every_step_exactly_once()
    {
        const int steps = 40;
        var jobId = await Client.SubmitAsync(Tenants.AlphaToken, ApiJobs.Mnist("api-reconnect", steps, checkpointEvery: 10));
        var seen = new List<long>();
        using (var disconnect = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            using var first = Client.WatchJob(new WatchJobRequest { JobId = jobId }, ApiServerFixture.Auth(Tenants.AlphaToken),
                cancellationToken: disconnect.Token);
            try
            {
                await foreach (var e in first.ResponseStream.ReadAllAsync(disconnect.Token))
                {
                    if (e.EventCase != JobEvent.EventOneofCase.Step) continue;
                    seen.Add(e.Step.Step);
                    if (seen.Count == 5) await disconnect.CancelAsync(); // the client goes away mid-run
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }
        Assert.Equal(5, seen.Count);

        var rest = await Client.WatchToEndAsync(Tenants.AlphaToken, jobId, fromStep: seen[^1] + 1);
        seen.AddRange(rest.Where(e => e.EventCase == JobEvent.EventOneofCase.Step).Select(e => e.Step.Step));
        Assert.Equal(Enumerable.Range(0, steps).Select(i => (long)i), seen);
        Assert.Equal(JobState.Completed, rest[^1].State.State);
    }

    [Fact]
    public async Task A_watch_of_a_finished_job_replays_its_history_from_the_requested_step()
    {
        var jobId = await Client.SubmitAsync(Tenants.AlphaToken, ApiJobs.Mnist("api-replay", steps: 4));
        await Client.WaitUntilFinishedAsync(Tenants.AlphaToken, jobId);
        var events = await Client.WatchToEndAsync(Tenants.AlphaToken, jobId, fromStep: 2);
        Assert.Equal([2L, 3], events.Where(e => e.EventCase == JobEvent.EventOneofCase.Step).Select(e => e.Step.Step));
        Assert.Equal(JobState.Completed, Assert.Single(events, e => e.EventCase == JobEvent.EventOneofCase.State).State.State);
    }

    [Fact]
    public async Task Cancel_stops_a_running_job()
    {
        var jobId = await Client.SubmitAsync(Tenants.AlphaToken, ApiJobs.Mnist("api-cancel", steps: 100000));
        var answer = await Client.CancelJobAsync(new CancelJobRequest { JobId = jobId }, ApiServerFixture.Auth(Tenants.AlphaToken));
        Assert.True(answer.State is JobState.Queued or JobState.Running);
        var job = await Client.WaitUntilFinishedAsync(Tenants.AlphaToken, jobId);
        Assert.Equal(JobState.Cancelled, job.State);
    }
}
