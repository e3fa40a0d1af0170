using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Rnn.Silo.Authentication;

namespace Rnn.Silo.Api;

/// <summary>Registers and maps the public gRPC API; the host decides where it listens and how callers authenticate.</summary>
public static class ApiEndpointExtensions
{
    public static IServiceCollection AddRnnApi(this IServiceCollection services, ApiAuthentication authentication, ApiLimits limits, DataRoots dataRoots)
    {
        ArgumentNullException.ThrowIfNull(limits);
        services.AddSingleton(authentication);
        services.AddSingleton(limits);
        services.AddSingleton(dataRoots);
        services.AddSingleton<Jobs.IDataPathNames>(dataRoots);
        services.AddSingleton<BearerTokenInterceptor>();
        services.AddSingleton<ClusterFaultInterceptor>();
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<BearerTokenInterceptor>();
            o.Interceptors.Add<ClusterFaultInterceptor>();
            // Room for the largest allowed job file plus the message's framing; larger requests are refused by gRPC
            // itself with ResourceExhausted before any of our code runs.
            o.MaxReceiveMessageSize = Math.Max(limits.MaxJobFileBytes, 64 * 1024) + 64 * 1024;
            o.MaxSendMessageSize = RunFolderFiles.ChunkBytes + 64 * 1024;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapRnnApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<TrainingApiService>();
        return endpoints;
    }
}
