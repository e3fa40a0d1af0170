using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Rnn.Contracts.Api.V1;
using Rnn.Silo.Server;

namespace Rnn.Api.Tests.Support;

/// <summary>
/// A real standalone silo on loopback: Kestrel on a free port, built by <see cref="SiloProgram.StartAsync"/> exactly as
/// Program.cs does, with small limits so that the limit tests stay small.
/// </summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    public const int MaxJobFileBytes = 8192;
    public const int MaxLayerUnits = 256;
    public const int MaxShards = 8;
    public const int MaxConcurrentJobs = 2;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rnn-api-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private RunningSilo? _silo;
    private GrpcChannel? _channel;

    public string RunsRoot => Path.Combine(_folder, "runs");

    public string Folder => _folder;

    public TrainingService.TrainingServiceClient Client { get; private set; } = null!;

    public string StartOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var tokens = Path.Combine(_folder, "tokens.txt");
        await File.WriteAllTextAsync(tokens, Tenants.File);
        var ports = FreePorts.Take(3);
        var output = new StringWriter();
        _silo = await SiloProgram.StartAsync(
            ["--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--grpc-port", $"{ports[2]}", "--grpc-address", "127.0.0.1",
             "--runs", RunsRoot, "--tokens", tokens, "--data-roots", Path.Combine(RepositoryPaths.Root, "data")],
            output,
            new Dictionary<string, string?>
            {
                ["Api:Limits:MaxJobFileBytes"] = $"{MaxJobFileBytes}",
                ["Api:Limits:MaxLayerUnits"] = $"{MaxLayerUnits}",
                ["Api:Limits:MaxShards"] = $"{MaxShards}",
                ["Api:Limits:MaxConcurrentJobsPerTenant"] = $"{MaxConcurrentJobs}",
            },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        StartOutput = output.ToString();
        _channel = GrpcChannel.ForAddress(_silo.GrpcUrl);
        Client = new TrainingService.TrainingServiceClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_silo is not null) await _silo.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing job; the OS cleans the temp folder.
        }
    }

    public static Metadata Auth(string token) => new() { { "authorization", "Bearer " + token } };
}

[CollectionDefinition(Name)]
public sealed class ApiServerCollection : ICollectionFixture<ApiServerFixture>
{
    public const string Name = "api server";
}
