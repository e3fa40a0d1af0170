using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;
using Rnn.Contracts;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Silo.Compute;
using Rnn.Silo.Jobs;
using Rnn.Silo.Placement;
using Rnn.Silo.Recovery;
using StackExchange.Redis;
using Rnn.Silo.Telemetry;
using Rnn.Silo.Configuration;
using Rnn.Silo.Coordination;

namespace Rnn.Silo.Hosting;

/// <summary>
/// The one place a silo is set up for training, used alike by production hosts, the CLI's local mode and tests.
/// </summary>
public static class RnnSiloBuilderExtensions
{
    /// <summary>
    /// Registers what the training grains need: the silo's compute executor and job cache, memory grain storage for
    /// job records and stream subscriptions (Orleans' binary serializer, not the JSON default, since state holds
    /// byte[] tensors), the memory stream provider that carries each job's metrics, and the placement that spreads a
    /// job's shards and parameter blocks over the silos (a cuda job's shards over the silos whose metadata says gpu=true,
    /// which each silo publishes from ILGPU's CUDA probe at its start), and the background service that resumes unfinished jobs
    /// found under <see cref="RnnTrainingOptions.RunsRoot"/> (so a job survives the silo of its job grain).
    /// <paramref name="storage"/> chooses where those records live (memory by default; Redis for multi-machine clusters).
    /// Telemetry: grain calls carry the trace context (a step's spans join across silos), and the exporters of the
    /// configuration's Telemetry section are registered (none without it; see <see cref="TelemetryOptions"/>).
    /// </summary>
    public static ISiloBuilder AddRnnTraining(this ISiloBuilder builder, Action<RnnTrainingOptions>? configure = null, RnnGrainStorage? storage = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RnnTrainingOptions>().Configure(o => configure?.Invoke(o));
        builder.Services.AddSingleton<ComputeExecutor>();
        builder.Services.AddSingleton<JobRuntimeCache>();
        builder.Services.AddHostedService<UnfinishedJobResumer>();
        builder.AddPlacementDirector<SpreadByIndexPlacement, SpreadByIndexPlacementDirector>();
        builder.AddPlacementDirector<GpuShardPlacement, GpuShardPlacementDirector>();
        // Silo metadata is fixed when the silo is built, so the GPU setting is read from the options now.
        var settings = new RnnTrainingOptions();
        configure?.Invoke(settings);
        builder.UseSiloMetadata(GpuSilos.Metadata(settings.AdvertiseGpu ?? IlgpuDevice.CudaAvailable()));
        builder.Services.AddSingleton<GpuSilos>();
        if ((storage ?? RnnGrainStorage.Memory).Redis is { } redis)
        {
            builder.AddRedisGrainStorage(StorageNames.Jobs, o => UseRedis(o, redis));
            builder.AddRedisGrainStorage(StorageNames.PubSub, o => UseRedis(o, redis));
        }
        else
        {
            builder.AddMemoryGrainStorage(StorageNames.Jobs, UseOrleansSerializer);
            builder.AddMemoryGrainStorage(StorageNames.PubSub, UseOrleansSerializer);
        }
        // Pulling agents poll the memory queues every 10 ms instead of Orleans' 100 ms: a watcher gets a step's metrics
        // within ~10 ms rather than ~60 (WatchJob lag, docs/api.md); the cost is a few hundred in-silo calls a second.
        // With in-process steps (local mode) the run-ahead hands steps over up to 100 ms apart anyway, so the agents
        // poll at that pace: 800 polls a second there shortened no watcher's wait and took time on the kernels' cores.
        var pollPeriod = settings.InProcessSteps ? InProcessSteps.HandOverInterval : StreamPollPeriod;
        builder.AddMemoryStreams(StreamNames.Provider, streams => streams.ConfigurePullingAgent(agent =>
            agent.Configure(o => o.GetQueueMsgsTimerPeriod = pollPeriod)));
        builder.AddActivityPropagation();
        var telemetry = TelemetryOptions.From(builder.Configuration);
        builder.Services.AddRnnTelemetry(telemetry);
        if (telemetry.Dashboard) builder.AddDashboard();
        return builder;
    }

    private static readonly TimeSpan StreamPollPeriod = TimeSpan.FromMilliseconds(10);

    private static void UseRedis(OptionsBuilder<RedisStorageOptions> options, ConfigurationOptions redis) =>
        options.Configure<Serializer>((o, serializer) =>
        {
            // Each provider gets its own copy: StackExchange.Redis may change the options it is given while connecting.
            o.ConfigurationOptions = redis.Clone();
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        });

    private static void UseOrleansSerializer(OptionsBuilder<MemoryGrainStorageOptions> options) =>
        options.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
}
