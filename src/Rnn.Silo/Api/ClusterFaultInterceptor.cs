using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Rnn.Silo.Api;

/// <summary>
/// A call that fails because the cluster lost a silo under it (the grain it asked was on a silo that just died, or
/// the call timed out while that silo was being declared dead) answers <c>UNAVAILABLE</c>, which clients retry, rather
/// than <c>UNKNOWN</c> "Exception was thrown by handler". Asking again soon reaches the grain re-activated on a live
/// silo. Found by scripts/soak-test.sh (a submission during a kill -9).
/// </summary>
public sealed class ClusterFaultInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (IsLostSilo(e))
        {
            throw Unavailable(e);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (IsLostSilo(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>Orleans' errors for a silo that died or did not answer in time (not a grain's own exception).</summary>
    public static bool IsLostSilo(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException;

    private static RpcException Unavailable(Exception e) =>
        new(new Status(StatusCode.Unavailable, "the cluster lost a silo while answering (it died or is being declared dead); ask again", e));
}
