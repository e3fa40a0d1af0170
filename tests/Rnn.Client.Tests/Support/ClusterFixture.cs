using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rnn.Client.Local;
using Rnn.Silo.Server;

namespace Rnn.Client.Tests.Support;

/// <summary>
/// A real standalone silo on loopback (Kestrel on a free port, started by <see cref="SiloProgram.StartAsync"/> as the
/// silo's Program.cs does) for the cluster commands: two tenants, a runs folder in a temporary folder.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string AlphaToken = "alpha-token-0123456789";
    public const string BetaToken = "beta-token-0123456789";

    private readonly TemporaryFolder _folder = new();
    private RunningSilo? _silo;

    public string Endpoint => _silo!.GrpcUrl;

    public string RunsRoot => _folder.File("runs");

    /// <summary>The silo's own cluster client, for the Orleans implementation of ITrainingClient.</summary>
    public IClusterClient ClusterClient => _silo!.App.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        var tokens = _folder.WriteText("tokens.txt", $"{AlphaToken} alpha\n{BetaToken} beta\n");
        var ports = FreePorts.Take(3);
        _silo = await SiloProgram.StartAsync(
            ["--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--grpc-port", $"{ports[2]}", "--grpc-address", "127.0.0.1",
             "--runs", RunsRoot, "--tokens", tokens, "--data-roots", System.IO.Path.Combine(RepositoryRoot.Path, "data")],
            TextWriter.Null,
            configure: builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
        try
        {
            _folder.Dispose();
        }
        catch (IOException)
        {
            // A file still held by a finishing job; the OS cleans the temp folder.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
