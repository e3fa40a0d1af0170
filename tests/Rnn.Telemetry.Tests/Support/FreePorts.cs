using System.Net;
using System.Net.Sockets;

namespace Rnn.Telemetry.Tests.Support;

internal static class FreePorts
{
    /// <summary><paramref name="count"/> loopback ports free right now (held together so they differ).</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }
}
