using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Rnn.Contracts;
using Rnn.Contracts.Messages;
using Rnn.Silo.Hosting;
using Rnn.Silo.Telemetry;
using Rnn.Silo.Configuration;

namespace Rnn.Telemetry.Tests.Support;

/// <summary>
/// Three in-process silos (set up by the silo's one hosting extension) training one job whose shard
/// <see cref="SlowShard"/> is slowed by the test-only <see cref="RnnTrainingOptions.ShardDelay"/>, watched by a
/// MeterProvider and a TracerProvider built here with in-memory exporters: the silos of an in-process cluster share
/// this process, so these see every silo's instruments, as a collector would see every silo's exports.
/// </summary>
public sealed class InstrumentedClusterFixture : IAsyncLifetime
{
    public const int SlowShard = 2;
    public const int Shards = 4;
    public const int Steps = 6;
    public const string JobId = "telemetry-straggler";

    private readonly string _runsRoot = Path.Combine(Path.GetTempPath(), "rnn-telemetry-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private MeterProvider? _meters;
    private TracerProvider? _tracer;
    private InProcessTestCluster? _cluster;

    public List<MetricSnapshot> Metrics { get; } = [];

    public List<Activity> Spans { get; } = [];

    public JobStatus Status { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _meters = TelemetryRegistration.AddTrainingMeters(Sdk.CreateMeterProviderBuilder()).AddInMemoryExporter(Metrics).Build();
        _tracer = TelemetryRegistration.AddTrainingSources(Sdk.CreateTracerProviderBuilder()).AddInMemoryExporter(Spans).Build();

        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRnnTraining(o =>
            {
                o.ComputeThreads = 2;
                o.RunsRoot = _runsRoot;
                o.ShardDelay = new Dictionary<int, TimeSpan> { [SlowShard] = TimeSpan.FromMilliseconds(60) };
            });
        });
        builder.ConfigureClient(client =>
        {
            client.AddMemoryStreams(StreamNames.Provider);
            client.AddActivityPropagation();
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        Status = await TelemetryJobs.RunToEndAsync(_cluster.Client, JobId, TelemetryJobs.Mnist("straggler", Shards, Steps, checkpointEvery: 3));
        _meters.ForceFlush();
        _tracer.ForceFlush();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        _meters?.Dispose();
        _tracer?.Dispose();
        if (Directory.Exists(_runsRoot)) Directory.Delete(_runsRoot, recursive: true);
    }
}
