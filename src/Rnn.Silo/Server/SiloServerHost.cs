using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Rnn.Silo.Api;
using Rnn.Silo.Hosting;
using Rnn.Silo.Telemetry;
using Rnn.Silo.Configuration;

namespace Rnn.Silo.Server;

/// <summary>
/// Builds the standalone silo's host: Orleans (through <see cref="RnnSiloBuilderExtensions.AddRnnTraining"/>, the one
/// silo set-up), Kestrel for the gRPC endpoint and the API. Each concern is one step of <see cref="Build"/>; a new
/// concern (OpenTelemetry: meters, tracing, the /metrics endpoint) is one more step there, and the test host gets it
/// too, because tests build the host through this class as Program.cs does.
/// </summary>
public static class SiloServerHost
{
    /// <param name="configure">Last changes before the host is built (tests: logging); null in production.</param>
    public static WebApplication Build(SiloConfiguration settings, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [], ContentRootPath = AppContext.BaseDirectory, ApplicationName = typeof(SiloServerHost).Assembly.GetName().Name,
        });
        builder.Configuration.AddConfiguration(settings.Configuration);
        ConfigureOrleans(builder, settings);
        ConfigureKestrel(builder, settings);
        builder.Services.AddRnnApi(settings.Authentication, settings.Limits, settings.DataRoots);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapRnnApi();
        app.MapRnnTelemetry();
        return app;
    }

    /// <summary>Config section bound to Orleans' <see cref="ClusterMembershipOptions"/> (probe and death-vote timings).</summary>
    public const string MembershipSection = "Orleans:Membership";

    /// <summary>Config section bound to <see cref="RnnTrainingOptions"/> (step deadlines, stall timeout, compute threads).</summary>
    public const string TrainingSection = "Training";

    private static void ConfigureOrleans(WebApplicationBuilder builder, SiloConfiguration settings) =>
        builder.UseOrleans(silo =>
        {
            var cluster = settings.Cluster;
            if (cluster.Membership == ClusterMembership.Localhost)
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, cluster.ClusterId, cluster.ClusterId);
            }
            else
            {
                silo.UseRedisClustering(o => o.ConfigurationOptions = cluster.Redis!.Clone());
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ClusterId));
                silo.Configure<EndpointOptions>(o =>
                {
                    o.SiloPort = settings.SiloPort;
                    o.GatewayPort = settings.GatewayPort;
                    if (cluster.AdvertiseAddress is { } advertised) o.AdvertisedIPAddress = advertised;
                    // Listen on every interface: in a container or pod the advertised address may belong to NAT or a
                    // Service, not to an interface the process can bind.
                    o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, settings.SiloPort);
                    o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, settings.GatewayPort);
                });
            }
            silo.Configure<ClusterMembershipOptions>(settings.Configuration.GetSection(MembershipSection));
            silo.AddRnnTraining(o =>
            {
                settings.Configuration.GetSection(TrainingSection).Bind(o);
                o.RunsRoot = settings.RunsRoot;
            }, cluster.Storage);
        });

    private static void ConfigureKestrel(WebApplicationBuilder builder, SiloConfiguration settings) =>
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(settings.GrpcAddress, settings.GrpcPort, listen =>
        {
            if (settings.Certificate is { } certificate)
            {
                // ALPN picks HTTP/2 for gRPC and leaves HTTP/1.1 for plain HTTP endpoints (e.g. a later /metrics).
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            }
            else
            {
                // Without TLS there is no ALPN: gRPC clients speak HTTP/2 with prior knowledge (h2c).
                listen.Protocols = HttpProtocols.Http2;
            }
        }));
}
