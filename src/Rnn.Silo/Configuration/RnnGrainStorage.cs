using StackExchange.Redis;

namespace Rnn.Silo.Configuration;

/// <summary>
/// Where the training grains keep their records (job records, tenants' job lists, stream subscriptions). Memory is
/// enough for one silo, the CLI's local mode and tests; a cluster of several machines keeps them in Redis, so a job's
/// record and its tenant's list survive the silo that held them and a restart of the whole cluster.
/// </summary>
public sealed record RnnGrainStorage
{
    private RnnGrainStorage(ConfigurationOptions? redis) => Redis = redis;

    /// <summary>Records in each silo's memory (lost with that silo; run folders stay the durable truth).</summary>
    public static RnnGrainStorage Memory { get; } = new((ConfigurationOptions?)null);

    /// <summary>Null for memory storage; otherwise how to reach the Redis server that holds the records.</summary>
    public ConfigurationOptions? Redis { get; }

    public static RnnGrainStorage InRedis(ConfigurationOptions redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        return new RnnGrainStorage(redis);
    }

    public override string ToString() => Redis is null ? "memory" : $"redis {string.Join(",", Redis.EndPoints)}";
}
