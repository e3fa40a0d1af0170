using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Rnn.Silo.Server;

/// <summary>
/// The standalone silo's entry point (Program.cs calls <see cref="RunAsync"/>; tests call <see cref="StartAsync"/> with
/// the same arguments). Failures before or during start are one line on stderr and an exit code, never a stack trace.
/// </summary>
public static class SiloProgram
{
    public const int ExitOk = 0;
    public const int ExitBadSettings = 2;
    public const int ExitStartFailed = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (CommandLineSettings.IsHelp(args))
        {
            await output.WriteLineAsync(CommandLineSettings.Usage());
            return ExitOk;
        }
        RunningSilo silo;
        try
        {
            silo = await StartAsync(args, output);
        }
        catch (SettingsException e)
        {
            await error.WriteLineAsync($"rnn-silo: {e.Message}");
            return ExitBadSettings;
        }
        catch (Exception e) when (e is IOException or SocketException or OrleansException or InvalidOperationException)
        {
            await error.WriteLineAsync($"rnn-silo: could not start: {e.Message}");
            return ExitStartFailed;
        }
        await using (silo)
        {
            await silo.App.WaitForShutdownAsync(cancellation);
        }
        return ExitOk;
    }

    /// <summary>Loads and checks the settings, builds and starts the host, and prints where it listens.</summary>
    public static async Task<RunningSilo> StartAsync(IReadOnlyList<string> args, TextWriter output,
        IReadOnlyDictionary<string, string?>? extraSettings = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var settings = SiloSettingsLoader.Load(args, extraSettings);
        var app = SiloServerHost.Build(settings, configure);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        await PrintEndpointsAsync(settings, output);
        return new RunningSilo(settings, app);
    }

    private static async Task PrintEndpointsAsync(SiloConfiguration s, TextWriter output)
    {
        var advertised = s.Cluster.AdvertiseAddress?.ToString() ?? "(Orleans' choice)";
        await output.WriteLineAsync($"rnn silo started ({s.Cluster.Describe()})");
        await output.WriteLineAsync($"  silo     {advertised}:{s.SiloPort}");
        await output.WriteLineAsync($"  gateway  {advertised}:{s.GatewayPort}");
        await output.WriteLineAsync($"  gRPC     {s.GrpcUrl} (listening on {s.GrpcAddress}:{s.GrpcPort}, {(s.Certificate is null ? "no TLS, HTTP/2 only" : "TLS")})");
        await output.WriteLineAsync($"  runs     {s.RunsRoot}");
        await output.WriteLineAsync($"  data     {s.DataRoots.Describe()} (submitted jobs read data only there)");
        await output.WriteLineAsync(s.Authentication.Tokens is { } tokens
            ? $"  auth     bearer tokens: {tokens.Count} tokens, {tokens.Tenants.Count} tenants"
            : "  auth     NONE (--insecure-dev): every call is tenant 'dev'; do not expose this silo");
        await output.FlushAsync();
    }
}
