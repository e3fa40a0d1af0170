using Microsoft.AspNetCore.Builder;

namespace Rnn.Silo.Server;

/// <summary>A started standalone silo: its settings (ports, gRPC URL) and the host, stopped on dispose.</summary>
public sealed class RunningSilo(SiloConfiguration settings, WebApplication app) : IAsyncDisposable
{
    public SiloConfiguration Settings { get; } = settings;

    public WebApplication App { get; } = app;

    public string GrpcUrl => Settings.GrpcUrl;

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await App.StopAsync(timeout.Token);
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}
