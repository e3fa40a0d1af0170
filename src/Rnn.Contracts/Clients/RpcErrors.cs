using Google.Rpc;
using Grpc.Core;
using Rnn.Contracts.Messages;

namespace Rnn.Contracts.Clients;

/// <summary>
/// gRPC statuses → <see cref="TrainingClientException"/>. Both clients use it: the Orleans client runs the silo's own
/// request checks, which throw the same RpcExceptions the gRPC service would send.
/// </summary>
public static class RpcErrors
{
    public static TrainingClientException ToClientException(RpcException e, string? endpoint = null)
    {
        var kind = e.StatusCode switch
        {
            StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => TrainingErrorKind.InvalidArgument,
            StatusCode.NotFound => TrainingErrorKind.NotFound,
            StatusCode.Unauthenticated => TrainingErrorKind.Unauthenticated,
            StatusCode.PermissionDenied => TrainingErrorKind.PermissionDenied,
            StatusCode.ResourceExhausted => TrainingErrorKind.ResourceExhausted,
            StatusCode.Unavailable or StatusCode.DeadlineExceeded => TrainingErrorKind.Unavailable,
            _ => TrainingErrorKind.Failed,
        };
        var details = e.GetRpcStatus();
        return new TrainingClientException(kind, Describe(kind, e, endpoint), e)
        {
            Details = details,
            FieldErrors = details?.GetDetail<BadRequest>()?.FieldViolations.Select(v => new JobFieldError(v.Field, v.Description)).ToArray() ?? [],
        };
    }

    /// <summary>Whether a watch should reconnect after this: the connection went, not the request.</summary>
    public static bool IsConnectionLoss(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.DeadlineExceeded;

    private static string Describe(TrainingErrorKind kind, RpcException e, string? endpoint)
    {
        var detail = string.IsNullOrWhiteSpace(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;
        return kind switch
        {
            // "Error connecting to subchannel." alone does not help; the socket error underneath does.
            TrainingErrorKind.Unavailable => $"cannot connect to {endpoint ?? "the cluster"}: {Innermost(e)?.Message ?? detail}",
            TrainingErrorKind.Unauthenticated =>
                $"not authenticated by {endpoint ?? "the cluster"}: the token is missing or unknown; pass --token or set RNN_TOKEN" +
                (string.IsNullOrWhiteSpace(e.Status.Detail) ? "" : $" ({e.Status.Detail})"),
            TrainingErrorKind.PermissionDenied => $"permission denied: {detail}",
            _ => detail,
        };
    }

    // The socket or TLS error under the status, which names the actual problem ("Connection refused").
    private static Exception? Innermost(RpcException e)
    {
        var inner = e.Status.DebugException ?? e.InnerException;
        while (inner?.InnerException is not null) inner = inner.InnerException;
        return inner;
    }
}
