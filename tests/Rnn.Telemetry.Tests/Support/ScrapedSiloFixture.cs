using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rnn.Contracts.Messages;
using Rnn.Silo.Server;

namespace Rnn.Telemetry.Tests.Support;

/// <summary>
/// The standalone silo host (as Program.cs builds it) with the Prometheus exporter and the dashboard turned on in
/// its Telemetry section, an HTTP port for them on loopback, a tokens file, and one tiny job run to its end; then
/// /metrics is scraped once over HTTP.
/// </summary>
public sealed class ScrapedSiloFixture : IAsyncLifetime
{
    public const string Token = "telemetry-test-token";
    public const string JobId = "scraped-job";
    public const string CsvJobId = "scraped-co2-job";
    public const string TextJobId = "scraped-text-job";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rnn-telemetry-http-" + Guid.NewGuid().ToString("N")[..8]);
    private RunningSilo? _silo;

    public string BaseUrl { get; private set; } = "";

    public string Scrape { get; private set; } = "";

    public JobStatus Status { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var tokens = Path.Combine(_folder, "tokens.txt");
        await File.WriteAllTextAsync(tokens, $"{Token} telemetry\n");
        var ports = FreePorts.Take(4);
        _silo = await SiloProgram.StartAsync(
            ["--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--grpc-port", $"{ports[2]}", "--grpc-address", "127.0.0.1",
             "--runs", Path.Combine(_folder, "runs"), "--tokens", tokens, "--data-roots", Path.Combine(RepositoryPaths.Root, "data")],
            TextWriter.Null,
            new Dictionary<string, string?>
            {
                ["Telemetry:Prometheus"] = "true",
                ["Telemetry:Dashboard"] = "true",
                ["Telemetry:HttpPort"] = $"{ports[3]}",
                ["Telemetry:HttpAddress"] = "127.0.0.1",
            },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        BaseUrl = $"http://127.0.0.1:{ports[3]}";
        var grains = _silo.App.Services.GetRequiredService<IGrainFactory>();
        Status = await TelemetryJobs.RunToEndAsync(grains, JobId, TelemetryJobs.Mnist("scraped", shards: 2, steps: 4, checkpointEvery: 2,
            dataOptions: ", \"validation_fraction\": 0.25"));
        // Every evaluation gauge the dashboard shows: RMSE from a forecaster, bits per character from a character model.
        await TelemetryJobs.RunToEndAsync(grains, CsvJobId, TelemetryJobs.Co2("scraped-co2", steps: 2));
        await TelemetryJobs.RunToEndAsync(grains, TextJobId, TelemetryJobs.Text("scraped-text", steps: 2));
        using var http = new HttpClient();
        Scrape = await http.GetStringAsync(BaseUrl + "/metrics");
    }

    public async Task DisposeAsync()
    {
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
}
