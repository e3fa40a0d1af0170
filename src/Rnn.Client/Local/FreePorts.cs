using System.Net;
using System.Net.Sockets;

namespace Rnn.Client.Local;

/// <summary>
/// Loopback ports nobody listens on, so that several local clusters (parallel tests, two terminals) never collide
/// on Orleans' fixed default ports.
/// </summary>
internal static class FreePorts
{
    public static int[] Take(int count)
    {
        // All listeners stay open until every port is chosen, so the same port is not handed out twice.
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
