using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Rnn.Silo.Hosting;

namespace Rnn.Client.Local;

/// <summary>
/// Builds the host of one local silo, in the CLI's process or in a `rnn silo` child: loopback endpoints, localhost
/// (one silo) or development clustering (several, the first primary), and the silo's one hosting extension with
/// its memory storage and streams, exactly as tests and production set a silo up. No logging provider: the CLI's
/// output is the progress display, not the silo's log.
/// </summary>
internal static class LocalSiloHost
{
    public const string ServiceId = "rnn-local";

    public static IHost Build(SiloSettings settings)
    {
        var builder = new HostBuilder();
        builder.ConfigureServices(services => services.AddSingleton<IHostLifetime, ManualHostLifetime>());
        builder.UseOrleans(silo =>
        {
            if (settings.PrimaryEndpoint is { } primary)
            {
                silo.UseDevelopmentClustering(primary);
                silo.ConfigureEndpoints(IPAddress.Loopback, settings.SiloPort, settings.GatewayPort);
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = settings.ClusterId;
                    o.ServiceId = ServiceId;
                });
                // A killed local process is noticed within seconds rather than the 10-30 s a real network needs:
                // the machine is the same, a missed probe means the process is gone.
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.NumVotesForDeathDeclaration = 1;
                });
            }
            else
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, ServiceId, settings.ClusterId);
            }
            silo.Configure<SiloOptions>(o => o.SiloName = settings.Name);
            silo.AddRnnTraining(o =>
            {
                o.ComputeThreads = settings.ComputeThreads;
                o.RunsRoot = settings.RunsRoot;
                // One silo in this process and nothing else: its jobs' steps need no shard or parameter-server grains.
                o.InProcessSteps = settings.PrimarySiloPort is null;
            });
        });
        return builder.Build();
    }
}
