using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Rnn.Silo.Api;
using Rnn.Silo.Authentication;

namespace Rnn.Silo.Server;

/// <summary>The standalone silo's settings after validation: everything the host needs, nothing left to parse.</summary>
public sealed record SiloConfiguration
{
    public required int SiloPort { get; init; }

    public required int GatewayPort { get; init; }

    public required int GrpcPort { get; init; }

    public required IPAddress GrpcAddress { get; init; }

    /// <summary>Membership, grain storage, cluster id and advertised address.</summary>
    public required ClusterSettings Cluster { get; init; }

    public required string RunsRoot { get; init; }

    public required ApiAuthentication Authentication { get; init; }

    /// <summary>Where submitted jobs' data may be read from (<c>Silo:DataRoots</c>).</summary>
    public required DataRoots DataRoots { get; init; }

    public required ApiLimits Limits { get; init; }

    /// <summary>The gRPC endpoint's certificate; null serves plain HTTP/2 (h2c).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>All configuration sources merged (logging levels and anything a later feature reads).</summary>
    public required IConfiguration Configuration { get; init; }

    public string GrpcUrl
    {
        get
        {
            var host = GrpcAddress.Equals(IPAddress.Any) || GrpcAddress.Equals(IPAddress.IPv6Any) ? "localhost" : GrpcAddress.ToString();
            if (GrpcAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && host != "localhost") host = $"[{host}]";
            return $"{(Certificate is null ? "http" : "https")}://{host}:{GrpcPort}";
        }
    }
}
