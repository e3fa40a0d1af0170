using Grpc.Core;
using Grpc.Core.Interceptors;
using Rnn.Silo.Authentication;

namespace Rnn.Silo.Api;

/// <summary>
/// Authenticates every call before it reaches the service: "authorization: Bearer &lt;token&gt;" must name a token of
/// the tokens file, else Unauthenticated. The token's tenant goes into the call's user state. With --insecure-dev
/// (no token table) every call is tenant "dev", token or not.
/// </summary>
public sealed class BearerTokenInterceptor(ApiAuthentication authentication) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        if (authentication.Tokens is not { } tokens)
        {
            CallerTenant.Set(context, TenantNames.InsecureDev);
            return;
        }
        const string scheme = "Bearer ";
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing 'authorization: Bearer <token>' header"));
        var tenant = tokens.TenantOf(header[scheme.Length..].Trim());
        if (tenant is null) throw new RpcException(new Status(StatusCode.Unauthenticated, "unknown bearer token"));
        CallerTenant.Set(context, tenant);
    }
}
