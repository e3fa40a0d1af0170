using Google.Rpc;
using Grpc.Core;
using Rnn.Api.Tests.Support;
using Rnn.Contracts.Api.V1;
using static Rnn.Api.Tests.AuthenticationAndTenancyTests;

namespace Rnn.Api.Tests;

/// <summary>The google.rpc.Status details behind each error: the same problems as the human message, for programs.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class StructuredErrorTests(ApiServerFixture server)
{
    private Task<SubmitJobResponse> Submit(string json) =>
        server.Client.SubmitJobAsync(new SubmitJobRequest { JobJson = json }, ApiServerFixture.Auth(Tenants.AlphaToken)).ResponseAsync;

    [Fact]
    public async Task Every_problem_of_a_job_file_is_a_field_violation_and_a_line_of_the_message()
    {
        var json = ApiJobs.Mnist("api-bad-fields", 3).Replace("\"lstm\"", "\"lstmm\"", StringComparison.Ordinal)
            .Replace("\"batch_size\": 32", "\"batch_size\": 33", StringComparison.Ordinal);
        var e = await AssertStatus(StatusCode.InvalidArgument, Submit(json));

        var status = e.GetRpcStatus()!;
        Assert.Equal((int)StatusCode.InvalidArgument, status.Code);
        var violations = status.GetDetail<BadRequest>()!.FieldViolations;
        Assert.Contains(violations, v => v.Field == "model.layers[0].type" && v.Description.Contains("lstmm", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "training.batch_size" && v.Description.Contains("not divisible by shards 2", StringComparison.Ordinal));
        // The human text is the same problems, one "field: description" line each.
        Assert.Equal(violations.Select(v => $"{v.Field}: {v.Description}"), e.Status.Detail.Split('\n'));
    }

    [Fact]
    public async Task A_field_over_a_limit_names_the_limit_and_its_value()
    {
        var e = await AssertStatus(StatusCode.InvalidArgument, Submit(ApiJobs.Mnist("api-over-shards", 3, shards: 16)));
        var status = e.GetRpcStatus()!;
        var field = Assert.Single(status.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("training.shards", field.Field);
        Assert.Equal("16 is over this silo's limit Api:Limits:MaxShards = 8", field.Description);
        var quota = Assert.Single(status.GetDetail<QuotaFailure>()!.Violations);
        Assert.Equal(("training.shards", "Api:Limits:MaxShards", 8L), (quota.Subject, quota.QuotaId, quota.QuotaValue));
        Assert.Equal("training.shards: 16 is over this silo's limit Api:Limits:MaxShards = 8", e.Status.Detail);
    }

    [Fact]
    public async Task An_oversized_job_file_is_a_quota_failure_with_the_limits_value()
    {
        var json = ApiJobs.Mnist("api-big-details", 3).Replace("{ \"name\"",
            "{ \"padding\": \"" + new string('x', ApiServerFixture.MaxJobFileBytes) + "\", \"name\"", StringComparison.Ordinal);
        var e = await AssertStatus(StatusCode.ResourceExhausted, Submit(json));
        var quota = Assert.Single(e.GetRpcStatus()!.GetDetail<QuotaFailure>()!.Violations);
        Assert.Equal(("job_json", "Api:Limits:MaxJobFileBytes", (long)ApiServerFixture.MaxJobFileBytes),
            (quota.Subject, quota.QuotaId, quota.QuotaValue));
        Assert.Equal(e.Status.Detail, quota.Description);
    }

    [Fact]
    public async Task An_unknown_job_and_a_file_not_written_yet_name_the_missing_resource()
    {
        var id = new string('a', 32);
        var e = await AssertStatus(StatusCode.NotFound,
            server.Client.GetJobAsync(new GetJobRequest { JobId = id }, ApiServerFixture.Auth(Tenants.AlphaToken)).ResponseAsync);
        var resource = e.GetRpcStatus()!.GetDetail<ResourceInfo>()!;
        Assert.Equal(("rnn.v1.Job", id, $"no job '{id}'"), (resource.ResourceType, resource.ResourceName, resource.Description));

        var jobId = (await Submit(ApiJobs.Mnist("api-not-yet", 100000))).JobId;
        var call = server.Client.DownloadCheckpoint(new DownloadCheckpointRequest { JobId = jobId, File = "summary.json" },
            ApiServerFixture.Auth(Tenants.AlphaToken));
        e = await AssertStatus(StatusCode.NotFound, call.ResponseStream.MoveNext());
        resource = e.GetRpcStatus()!.GetDetail<ResourceInfo>()!;
        Assert.Equal(("rnn.v1.RunFile", $"{jobId}/summary.json"), (resource.ResourceType, resource.ResourceName));
        await server.Client.CancelJobAsync(new CancelJobRequest { JobId = jobId }, ApiServerFixture.Auth(Tenants.AlphaToken));
        await server.Client.WaitUntilFinishedAsync(Tenants.AlphaToken, jobId);
    }
}
