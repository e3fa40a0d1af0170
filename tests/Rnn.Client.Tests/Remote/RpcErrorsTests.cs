using Rnn.Contracts.Clients;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Rnn.Client.Remote;
using Rnn.Contracts.Messages;

namespace Rnn.Client.Tests.Remote;

public sealed class RpcErrorsTests
{
    [Fact]
    public void The_servers_field_violations_and_details_reach_the_client_exception()
    {
        // As the silo sends a bad job (ApiErrors): the text for people, a google.rpc.Status in the trailer for programs.
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = "training.shards", Description = "16 is over this silo's limit Api:Limits:MaxShards = 8" });
        var quota = new QuotaFailure();
        quota.Violations.Add(new QuotaFailure.Types.Violation { Subject = "training.shards", QuotaId = "Api:Limits:MaxShards", QuotaValue = 8 });
        var status = new Google.Rpc.Status
        {
            Code = (int)StatusCode.InvalidArgument, Message = "training.shards: 16 is over this silo's limit Api:Limits:MaxShards = 8",
        };
        status.Details.Add(Any.Pack(badRequest));
        status.Details.Add(Any.Pack(quota));

        var e = RpcErrors.ToClientException(status.ToRpcException());

        Assert.Equal(TrainingErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("training.shards: 16 is over this silo's limit Api:Limits:MaxShards = 8", e.Message);
        Assert.Equal([new JobFieldError("training.shards", "16 is over this silo's limit Api:Limits:MaxShards = 8")], e.FieldErrors);
        Assert.Equal(8, e.Details!.GetDetail<QuotaFailure>()!.Violations[0].QuotaValue);
    }

    [Fact]
    public void An_error_without_details_has_no_field_errors()
    {
        var e = RpcErrors.ToClientException(new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, "unknown bearer token")));
        Assert.Equal(TrainingErrorKind.Unauthenticated, e.Kind);
        Assert.Empty(e.FieldErrors);
        Assert.Null(e.Details);
    }
}
