using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Rnn.Contracts.Messages;

namespace Rnn.Silo.Api;

/// <summary>
/// The API's failures as RpcExceptions in the gRPC richer error model: the status message stays the human text (one
/// line per problem, "field: what is wrong"), and a google.rpc.Status in the grpc-status-details-bin trailer carries the
/// same problems for programs: BadRequest field violations, QuotaFailure for limits (config key and value),
/// ResourceInfo for what was not found.
/// </summary>
public static class ApiErrors
{
    /// <summary>The type names ResourceInfo uses.</summary>
    public const string JobResource = "rnn.v1.Job";

    public const string FileResource = "rnn.v1.RunFile";

    /// <summary>INVALID_ARGUMENT: every problem a field violation; fields over a limit also a quota violation each.</summary>
    public static RpcException InvalidFields(IReadOnlyCollection<JobFieldError> errors, IReadOnlyCollection<LimitBreach>? limits = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(errors.Select(e => new BadRequest.Types.FieldViolation { Field = e.Field, Description = e.Message }));
        var status = new Google.Rpc.Status
        {
            Code = (int)StatusCode.InvalidArgument,
            Message = string.Join("\n", errors.Select(e => e.ToString())),
        };
        status.Details.Add(Any.Pack(badRequest));
        if (limits is { Count: > 0 }) status.Details.Add(Any.Pack(QuotaFailure(limits)));
        return status.ToRpcException();
    }

    public static RpcException Invalid(string field, string message) => InvalidFields([new JobFieldError(field, message)]);

    /// <summary>RESOURCE_EXHAUSTED for a limit that is not a job-file field (size, concurrent jobs).</summary>
    public static RpcException OverLimit(LimitBreach breach)
    {
        ArgumentNullException.ThrowIfNull(breach);
        var status = new Google.Rpc.Status { Code = (int)StatusCode.ResourceExhausted, Message = breach.Description };
        status.Details.Add(Any.Pack(QuotaFailure([breach])));
        return status.ToRpcException();
    }

    /// <summary>NOT_FOUND with the missing resource's type and name (a job id, or "JOB_ID/FILE").</summary>
    public static RpcException NotFound(string resourceType, string resourceName, string message)
    {
        var status = new Google.Rpc.Status { Code = (int)StatusCode.NotFound, Message = message };
        status.Details.Add(Any.Pack(new ResourceInfo { ResourceType = resourceType, ResourceName = resourceName, Description = message }));
        return status.ToRpcException();
    }

    private static QuotaFailure QuotaFailure(IEnumerable<LimitBreach> limits)
    {
        var failure = new QuotaFailure();
        failure.Violations.Add(limits.Select(l => new QuotaFailure.Types.Violation
        {
            Subject = l.Subject, Description = l.Description, QuotaId = l.LimitKey, QuotaValue = l.LimitValue,
        }));
        return failure;
    }
}
