using Grpc.Core;

namespace Rnn.Silo.Api;

/// <summary>Carries the authenticated tenant from <see cref="BearerTokenInterceptor"/> to the service methods.</summary>
public static class CallerTenant
{
    private const string Key = "rnn.tenant";

    public static void Set(ServerCallContext context, string tenant) => context.UserState[Key] = tenant;

    /// <summary>The caller's tenant; every call passes the interceptor first, so a missing one is a wiring bug.</summary>
    public static string Get(ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var tenant) && tenant is string s
            ? s
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "no authenticated tenant"));
}
