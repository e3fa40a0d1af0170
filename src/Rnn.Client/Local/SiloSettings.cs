using System.Net;

namespace Rnn.Client.Local;

/// <summary>
/// One silo of a local cluster: its name (what a step's shard times report as the silo), its loopback ports, the
/// primary silo's port when it is one of several (null: a lone silo), and how it trains.
/// </summary>
internal sealed record SiloSettings(
    string Name, int SiloPort, int GatewayPort, int? PrimarySiloPort, string ClusterId, int ComputeThreads, string RunsRoot)
{
    public IPEndPoint? PrimaryEndpoint => PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
}
