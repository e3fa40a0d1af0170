using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rnn.Client;

namespace Rnn.Client.Local;

/// <summary>
/// An Orleans cluster on this machine for one `rnn train`: silo 0 in this process (the CLI's client is its
/// IClusterClient, and it is the development-clustering primary), plus silos 1..N-1 as `rnn silo` child processes
/// on their own loopback ports. Disposing stops silo 0 and kills every child, so no process outlives the run.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan JoinDeadline = TimeSpan.FromSeconds(90);

    private readonly IHost _host;
    private readonly List<SiloProcess> _children;
    private readonly EventHandler _killChildrenOnExit;

    private LocalCluster(IHost host, List<SiloProcess> children)
    {
        _host = host;
        _children = children;
        Client = host.Services.GetRequiredService<IClusterClient>();
        // Last resort for an exit that skips DisposeAsync (Environment.Exit, an unhandled exception).
        _killChildrenOnExit = (_, _) => KillChildren();
        AppDomain.CurrentDomain.ProcessExit += _killChildrenOnExit;
    }

    public IClusterClient Client { get; }

    public int Silos => _children.Count + 1;

    public IReadOnlyList<SiloProcess> Children => _children;

    /// <summary>Starts <paramref name="silos"/> silos and returns once all of them are active members.</summary>
    public static async Task<LocalCluster> StartAsync(int silos, int threads, string runsRoot, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        var ports = FreePorts.Take(2 * silos);
        var clusterId = "rnn-" + Guid.NewGuid().ToString("N")[..8];
        int? primary = silos > 1 ? ports[0] : null;
        var children = new List<SiloProcess>();
        IHost? host = null;
        try
        {
            host = LocalSiloHost.Build(new SiloSettings("silo-0", ports[0], ports[1], primary, clusterId, threads, runsRoot));
            await host.StartAsync(cancellation).ConfigureAwait(false);
            for (var i = 1; i < silos; i++)
            {
                children.Add(SiloProcess.Start(new SiloSettings($"silo-{i}", ports[2 * i], ports[2 * i + 1], primary, clusterId, threads, runsRoot)));
            }
            var cluster = new LocalCluster(host, children);
            await cluster.WaitForMembersAsync(cancellation).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            foreach (var child in children) child.Dispose();
            if (host is not null) await StopHostAsync(host).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Crashes one child silo, preferring one named in <paramref name="holdingShards"/>; returns it, or null when
    /// every child has already exited.
    /// </summary>
    public SiloProcess? KillOneChild(IReadOnlyCollection<string> holdingShards)
    {
        var alive = _children.Where(c => !c.HasExited).ToArray();
        var victim = alive.FirstOrDefault(c => holdingShards.Contains(c.Settings.Name)) ?? alive.FirstOrDefault();
        victim?.Kill();
        return victim;
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _killChildrenOnExit;
        KillChildren();
        foreach (var child in _children) child.Dispose();
        await StopHostAsync(_host).ConfigureAwait(false);
    }

    private async Task WaitForMembersAsync(CancellationToken cancellation)
    {
        if (_children.Count == 0) return;
        var management = Client.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + JoinDeadline;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            if (_children.FirstOrDefault(c => c.HasExited) is { } dead)
                throw new CommandException(ExitCodes.Failed,
                    $"{dead.Settings.Name} (process {dead.ProcessId}) exited with code {dead.ExitCode} before joining the local cluster");
            var active = await management.GetHosts(onlyActive: true).ConfigureAwait(false);
            if (active.Count >= Silos) return;
            if (DateTime.UtcNow > deadline)
                throw new CommandException(ExitCodes.Failed,
                    $"only {active.Count} of {Silos} silos joined the local cluster within {JoinDeadline.TotalSeconds:0} s");
            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }
    }

    private void KillChildren()
    {
        foreach (var child in _children)
        {
            try
            {
                child.Kill();
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
    }

    private static async Task StopHostAsync(IHost host)
    {
        // A silo whose peers were killed may wait for them on shutdown; the run is over, so bound the wait.
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await host.StopAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown took too long; the process is about to end anyway.
        }
        host.Dispose();
    }
}
