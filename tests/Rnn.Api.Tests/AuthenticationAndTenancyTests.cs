using Grpc.Core;
using Rnn.Api.Tests.Support;
using Rnn.Contracts.Api.V1;

namespace Rnn.Api.Tests;

[Collection(ApiServerCollection.Name)]
public sealed class AuthenticationAndTenancyTests(ApiServerFixture server)
{
    private TrainingService.TrainingServiceClient Client => server.Client;

    public static TheoryData<string?> BadCredentials => new() { null, "Bearer not-a-known-token-at-all", "Basic YWxwaGE6eA==", "Bearer " };

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Calls_without_a_valid_token_are_unauthenticated(string? authorization)
    {
        var headers = new Metadata();
        if (authorization is not null) headers.Add("authorization", authorization);
        await AssertStatus(StatusCode.Unauthenticated, Client.SubmitJobAsync(new SubmitJobRequest { JobJson = ApiJobs.Mnist("x", 1) }, headers).ResponseAsync);
        await AssertStatus(StatusCode.Unauthenticated, Client.ListJobsAsync(new ListJobsRequest(), headers).ResponseAsync);
        await AssertStatus(StatusCode.Unauthenticated, Client.GetJobAsync(new GetJobRequest { JobId = "x" }, headers).ResponseAsync);
        await AssertStatus(StatusCode.Unauthenticated, Client.CancelJobAsync(new CancelJobRequest { JobId = "x" }, headers).ResponseAsync);
        await AssertStatus(StatusCode.Unauthenticated, ReadAll(Client.WatchJob(new WatchJobRequest { JobId = "x" }, headers).ResponseStream));
        await AssertStatus(StatusCode.Unauthenticated,
            ReadAll(Client.DownloadCheckpoint(new DownloadCheckpointRequest { JobId = "x", File = "metrics.csv" }, headers).ResponseStream));
    }

    [Fact]
    public async Task Another_tenants_job_is_not_found_and_lists_show_only_own_jobs()
    {
        var betaJob = await Client.SubmitAsync(Tenants.BetaToken, ApiJobs.Mnist("api-beta-own", steps: 3));
        await Client.WaitUntilFinishedAsync(Tenants.BetaToken, betaJob);
        var alpha = ApiServerFixture.Auth(Tenants.AlphaToken);

        await AssertStatus(StatusCode.NotFound, Client.GetJobAsync(new GetJobRequest { JobId = betaJob }, alpha).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, Client.CancelJobAsync(new CancelJobRequest { JobId = betaJob }, alpha).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, ReadAll(Client.WatchJob(new WatchJobRequest { JobId = betaJob }, alpha).ResponseStream));
        foreach (var file in new[] { "model.safetensors", "metrics.csv", "summary.json", "manifest.json" })
            await AssertStatus(StatusCode.NotFound,
                ReadAll(Client.DownloadCheckpoint(new DownloadCheckpointRequest { JobId = betaJob, File = file }, alpha).ResponseStream));
        // An id nobody has answers the same as another tenant's.
        await AssertStatus(StatusCode.NotFound, Client.GetJobAsync(new GetJobRequest { JobId = Guid.NewGuid().ToString("N") }, alpha).ResponseAsync);

        var betaList = await Client.ListJobsAsync(new ListJobsRequest(), ApiServerFixture.Auth(Tenants.BetaToken));
        Assert.Contains(betaList.Jobs, j => j.JobId == betaJob);
        var alphaList = await Client.ListJobsAsync(new ListJobsRequest(), alpha);
        Assert.DoesNotContain(alphaList.Jobs, j => j.JobId == betaJob);
        Assert.All(alphaList.Jobs, j => Assert.NotEqual("api-beta-own", j.Name));

        // The beta job still completed untouched by alpha's cancel.
        var job = await Client.GetJobAsync(new GetJobRequest { JobId = betaJob }, ApiServerFixture.Auth(Tenants.BetaToken));
        Assert.Equal(JobState.Completed, job.State);
    }

    [Fact]
    public async Task A_job_name_whose_folder_holds_another_tenants_run_is_refused()
    {
        var betaJob = await Client.SubmitAsync(Tenants.BetaToken, ApiJobs.Mnist("api-name-taken", steps: 2));
        await Client.WaitUntilFinishedAsync(Tenants.BetaToken, betaJob);
        var e = await AssertStatus(StatusCode.InvalidArgument,
            Client.SubmitJobAsync(new SubmitJobRequest { JobJson = ApiJobs.Mnist("api-name-taken", 2) }, ApiServerFixture.Auth(Tenants.AlphaToken)).ResponseAsync);
        Assert.StartsWith("name:", e.Status.Detail, StringComparison.Ordinal);
    }

    internal static async Task<RpcException> AssertStatus(StatusCode expected, Task call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.True(e.StatusCode == expected, $"expected {expected}, got {e.StatusCode}: {e.Status.Detail}");
        return e;
    }

    private static async Task ReadAll<T>(IAsyncStreamReader<T> stream)
    {
        await foreach (var _ in stream.ReadAllAsync())
        {
        }
    }
}
