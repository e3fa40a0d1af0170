using Grpc.Core;
using Rnn.Api.Tests.Support;
using Rnn.Contracts.Api.V1;
using static Rnn.Api.Tests.AuthenticationAndTenancyTests;

namespace Rnn.Api.Tests;

[Collection(ApiServerCollection.Name)]
public sealed class SubmissionValidationTests(ApiServerFixture server)
{
    private Task<SubmitJobResponse> Submit(string json, string token = Tenants.AlphaToken) =>
        server.Client.SubmitJobAsync(new SubmitJobRequest { JobJson = json }, ApiServerFixture.Auth(token)).ResponseAsync;

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("this is not JSON")]
    [InlineData("{")]
    [InlineData("[1, 2]")]
    public async Task Malformed_job_files_are_invalid_arguments(string json)
    {
        var e = await AssertStatus(StatusCode.InvalidArgument, Submit(json));
        Assert.False(string.IsNullOrWhiteSpace(e.Status.Detail));
    }

    [Fact]
    public async Task An_invalid_job_files_message_names_the_field()
    {
        var json = ApiJobs.Mnist("api-invalid", 3).Replace("\"lstm\"", "\"lstmm\"", StringComparison.Ordinal);
        var e = await AssertStatus(StatusCode.InvalidArgument, Submit(json));
        Assert.Contains("model.layers[0].type", e.Status.Detail, StringComparison.Ordinal);

        var missingData = ApiJobs.Mnist("api-invalid-data", 3).Replace(ApiJobs.MnistPath.Replace("\\", "\\\\", StringComparison.Ordinal),
            "/no/such/mnist", StringComparison.Ordinal);
        e = await AssertStatus(StatusCode.InvalidArgument, Submit(missingData));
        Assert.Contains("data.path", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_job_file_is_refused_naming_the_limit()
    {
        var json = ApiJobs.Mnist("api-big", 3).Replace("{ \"name\"", "{ \"padding\": \"" + new string('x', ApiServerFixture.MaxJobFileBytes) + "\", \"name\"",
            StringComparison.Ordinal);
        var e = await AssertStatus(StatusCode.ResourceExhausted, Submit(json));
        Assert.Contains("MaxJobFileBytes", e.Status.Detail, StringComparison.Ordinal);

        // Far over the limit: gRPC's own message size check answers before our code.
        await AssertStatus(StatusCode.ResourceExhausted, Submit(new string(' ', 2 * 1024 * 1024)));
    }

    [Fact]
    public async Task Jobs_over_the_shard_and_unit_limits_are_refused_naming_the_limit_and_field()
    {
        var e = await AssertStatus(StatusCode.InvalidArgument, Submit(ApiJobs.Mnist("api-shards", 3, shards: ApiServerFixture.MaxShards * 2)));
        Assert.Contains("training.shards", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("MaxShards", e.Status.Detail, StringComparison.Ordinal);

        e = await AssertStatus(StatusCode.InvalidArgument, Submit(ApiJobs.Mnist("api-units", 3, units: ApiServerFixture.MaxLayerUnits + 1)));
        Assert.Contains("model.layers[0].units", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("MaxLayerUnits", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_over_its_concurrent_jobs_limit_is_refused_until_one_ends()
    {
        var running = new List<string>();
        for (var i = 0; i < ApiServerFixture.MaxConcurrentJobs; i++)
            running.Add((await Submit(ApiJobs.Mnist($"api-busy-{i}", 100000), Tenants.GammaToken)).JobId);
        var e = await AssertStatus(StatusCode.ResourceExhausted, Submit(ApiJobs.Mnist("api-busy-x", 3), Tenants.GammaToken));
        Assert.Contains("MaxConcurrentJobsPerTenant", e.Status.Detail, StringComparison.Ordinal);

        // Another tenant is not affected.
        var other = (await Submit(ApiJobs.Mnist("api-busy-other", 1), Tenants.BetaToken)).JobId;
        await server.Client.WaitUntilFinishedAsync(Tenants.BetaToken, other);

        foreach (var id in running)
        {
            await server.Client.CancelJobAsync(new CancelJobRequest { JobId = id }, ApiServerFixture.Auth(Tenants.GammaToken));
            await server.Client.WaitUntilFinishedAsync(Tenants.GammaToken, id);
        }
        var after = (await Submit(ApiJobs.Mnist("api-busy-after", 1), Tenants.GammaToken)).JobId;
        Assert.Equal(JobState.Completed, (await server.Client.WaitUntilFinishedAsync(Tenants.GammaToken, after)).State);
    }

    [Fact]
    public async Task Download_of_an_unknown_file_name_names_the_field()
    {
        var jobId = (await Submit(ApiJobs.Mnist("api-file-name", 1))).JobId;
        var call = server.Client.DownloadCheckpoint(new DownloadCheckpointRequest { JobId = jobId, File = "../job.json" },
            ApiServerFixture.Auth(Tenants.AlphaToken));
        var e = await AssertStatus(StatusCode.InvalidArgument, call.ResponseStream.MoveNext());
        Assert.StartsWith("file:", e.Status.Detail, StringComparison.Ordinal);
        await server.Client.WaitUntilFinishedAsync(Tenants.AlphaToken, jobId);
    }
}
