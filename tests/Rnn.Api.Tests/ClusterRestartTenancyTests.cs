using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Rnn.Api.Tests.Support;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Api.V1;
using Rnn.Silo.Jobs;

namespace Rnn.Api.Tests;

/// <summary>
/// Ownership survives a restart of the whole cluster (memory grain storage lost): the run folder's tenant.json is the
/// durable record, and the tenant registry is rebuilt from the runs folder.
/// </summary>
public sealed class ClusterRestartTenancyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rnn-api-restart-" + Guid.NewGuid().ToString("N")[..8]);

    private string RunsRoot => Path.Combine(_folder, "runs");

    public ClusterRestartTenancyTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => TestSilo.DeleteFolder(_folder);

    [Fact]
    public async Task A_job_resumed_after_a_restart_is_its_tenants_and_no_one_elses()
    {
        const string name = "restart-owned";
        var alpha = ApiServerFixture.Auth(Tenants.AlphaToken);
        var beta = ApiServerFixture.Auth(Tenants.BetaToken);
        string jobId;
        await using (var first = await TestSilo.StartAsync(_folder, RunsRoot))
        {
            using var channel = GrpcChannel.ForAddress(first.GrpcUrl);
            var client = new TrainingService.TrainingServiceClient(channel);
            jobId = await client.SubmitAsync(Tenants.AlphaToken, ApiJobs.Mnist(name, steps: 100_000, checkpointEvery: 3));
            await WaitForCheckpointAsync(RunFolder.For(RunsRoot, name));
        }

        var folder = RunFolder.For(RunsRoot, name);
        Assert.True(folder.IsUnfinished, "the job was stopped mid-run");
        using (var owner = JsonDocument.Parse(await File.ReadAllTextAsync(folder.OwnerFile)))
        {
            Assert.Equal(jobId, owner.RootElement.GetProperty("job_id").GetString());
            Assert.Equal("alpha", owner.RootElement.GetProperty("tenant").GetString());
        }

        await using var second = await TestSilo.StartAsync(_folder, RunsRoot);
        using var channel2 = GrpcChannel.ForAddress(second.GrpcUrl);
        var client2 = new TrainingService.TrainingServiceClient(channel2);

        // Tenant beta first: its registry is rebuilt too, and holds none of alpha's jobs.
        await AuthenticationAndTenancyTests.AssertStatus(StatusCode.NotFound,
            client2.GetJobAsync(new GetJobRequest { JobId = jobId }, beta).ResponseAsync);
        Assert.DoesNotContain((await client2.ListJobsAsync(new ListJobsRequest(), beta)).Jobs, j => j.JobId == jobId);
        await AuthenticationAndTenancyTests.AssertStatus(StatusCode.NotFound,
            client2.CancelJobAsync(new CancelJobRequest { JobId = jobId }, beta).ResponseAsync);
        var taken = await AuthenticationAndTenancyTests.AssertStatus(StatusCode.InvalidArgument,
            client2.SubmitJobAsync(new SubmitJobRequest { JobJson = ApiJobs.Mnist(name, steps: 2) }, beta).ResponseAsync);
        Assert.StartsWith("name:", taken.Status.Detail, StringComparison.Ordinal);

        var listed = await client2.ListJobsAsync(new ListJobsRequest(), alpha);
        Assert.Equal([jobId], listed.Jobs.Select(j => j.JobId));
        var job = await client2.GetJobAsync(new GetJobRequest { JobId = jobId }, alpha);
        Assert.Equal(name, job.Name);
        Assert.Equal(JobState.Running, job.State);
        Assert.Equal(100_000, job.TotalSteps);

        await client2.CancelJobAsync(new CancelJobRequest { JobId = jobId }, alpha);
        Assert.Equal(JobState.Cancelled, (await client2.WaitUntilFinishedAsync(Tenants.AlphaToken, jobId)).State);
    }

    [Fact]
    public async Task Finished_jobs_keep_their_state_across_a_whole_cluster_restart()
    {
        // Completed with its hash, cancelled mid-run, failed in training with its reason (training.nan_policy 'fail').
        var nanFail = ApiJobs.Mnist("restart-failed", steps: 4).Replace("\"lr\": 0.01", "\"lr\": 1e38", StringComparison.Ordinal)
            .Replace("\"checkpoint_every\": 50", "\"checkpoint_every\": 50, \"nan_policy\": \"fail\"", StringComparison.Ordinal);
        Job completed, cancelled, failed;
        await using (var first = await TestSilo.StartAsync(_folder, RunsRoot))
        {
            using var channel = GrpcChannel.ForAddress(first.GrpcUrl);
            var client = new TrainingService.TrainingServiceClient(channel);
            var completedId = await client.SubmitAsync(Tenants.AlphaToken, ApiJobs.Mnist("restart-completed", steps: 6));
            var cancelledId = await client.SubmitAsync(Tenants.AlphaToken, ApiJobs.Mnist("restart-cancelled", steps: 100_000, checkpointEvery: 3));
            var failedId = await client.SubmitAsync(Tenants.BetaToken, nanFail);
            await WaitForCheckpointAsync(RunFolder.For(RunsRoot, "restart-cancelled"));
            await client.CancelJobAsync(new CancelJobRequest { JobId = cancelledId }, ApiServerFixture.Auth(Tenants.AlphaToken));
            completed = await client.WaitUntilFinishedAsync(Tenants.AlphaToken, completedId);
            cancelled = await client.WaitUntilFinishedAsync(Tenants.AlphaToken, cancelledId);
            failed = await client.WaitUntilFinishedAsync(Tenants.BetaToken, failedId);
        }
        Assert.Equal(JobState.Completed, completed.State);
        Assert.Matches("^[0-9a-f]{64}$", completed.Summary.ParametersSha256);
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Contains("nan_policy is 'fail'", failed.FailureReason, StringComparison.Ordinal);

        // Every silo stopped (memory grain storage gone), a new one started on the same runs folder.
        await using var second = await TestSilo.StartAsync(_folder, RunsRoot);
        using var channel2 = GrpcChannel.ForAddress(second.GrpcUrl);
        var client2 = new TrainingService.TrainingServiceClient(channel2);
        foreach (var (before, token) in new[] { (completed, Tenants.AlphaToken), (cancelled, Tenants.AlphaToken), (failed, Tenants.BetaToken) })
        {
            var after = await client2.GetJobAsync(new GetJobRequest { JobId = before.JobId }, ApiServerFixture.Auth(token));
            Assert.Equal(before.Name, after.Name);
            Assert.Equal(before.State, after.State);
            Assert.Equal(before.Step, after.Step);
            Assert.Equal(before.TotalSteps, after.TotalSteps);
            Assert.Equal(before.FailureReason, after.FailureReason);
            Assert.Equal(before.Summary?.ParametersSha256 ?? "", after.Summary?.ParametersSha256 ?? "");
            // Listed as the tenant's, and still finished a while later (nothing resumed it).
            Assert.Contains((await client2.ListJobsAsync(new ListJobsRequest(), ApiServerFixture.Auth(token))).Jobs, j => j.JobId == before.JobId);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(JobState.Cancelled, (await client2.GetJobAsync(new GetJobRequest { JobId = cancelled.JobId }, ApiServerFixture.Auth(Tenants.AlphaToken))).State);
        Assert.Equal(completed.Summary.ParametersSha256,
            (await client2.GetJobAsync(new GetJobRequest { JobId = completed.JobId }, ApiServerFixture.Auth(Tenants.AlphaToken))).Summary.ParametersSha256);
    }

    [Fact]
    public async Task An_accepted_job_is_its_tenants_even_when_the_registry_lost_its_reservation()
    {
        // The registry's silo died between AdmitAsync and ConfirmAsync: the new activation never saw the reservation,
        // but the job grain took the job, so the confirmation must still record it (else it runs unseen, holding its name).
        await using var silo = await TestSilo.StartAsync(_folder, RunsRoot);
        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var registry = grains.GetGrain<ITenantJobsGrain>("alpha");
        await registry.ConfirmAsync("confirmed-without-reservation", accepted: true);
        await registry.ConfirmAsync("refused-without-reservation", accepted: false);
        var owned = await registry.ListAsync();
        Assert.Contains("confirmed-without-reservation", owned);
        Assert.DoesNotContain("refused-without-reservation", owned);
        Assert.False(await grains.GetGrain<ITenantJobsGrain>("beta").OwnsAsync("confirmed-without-reservation"));
    }

    private static async Task WaitForCheckpointAsync(RunFolder folder)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(folder.HasCheckpoint && folder.ReadCurrentOwner() is not null))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no checkpoint and tenant.json in {folder.Path}");
            await Task.Delay(50);
        }
    }
}
