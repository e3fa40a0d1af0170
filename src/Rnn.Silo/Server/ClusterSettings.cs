using System.Net;
using StackExchange.Redis;
using Rnn.Silo.Configuration;

namespace Rnn.Silo.Server;

/// <summary>How silos find each other.</summary>
public enum ClusterMembership
{
    /// <summary>One silo alone (Orleans' localhost clustering: no other silo can join).</summary>
    Localhost,

    /// <summary>Membership table in Redis: any number of silos on any machines that share the Redis and cluster id.</summary>
    Redis,
}

/// <summary>The silo's cluster settings after validation: membership, grain storage, its identity in the cluster.</summary>
public sealed record ClusterSettings
{
    public required ClusterMembership Membership { get; init; }

    public required RnnGrainStorage Storage { get; init; }

    /// <summary>The Redis server (clustering and/or storage); null when neither uses it.</summary>
    public ConfigurationOptions? Redis { get; init; }

    /// <summary>Orleans' ClusterId and ServiceId both: the Redis keys of membership and grain state are scoped by it.</summary>
    public required string ClusterId { get; init; }

    /// <summary>The address this silo publishes in the membership table; null lets Orleans pick a local address.</summary>
    public IPAddress? AdvertiseAddress { get; init; }

    public string Describe() => Membership == ClusterMembership.Localhost
        ? $"localhost clustering, {Storage} storage"
        : $"redis clustering ({string.Join(",", Redis!.EndPoints)}, cluster '{ClusterId}'), {Storage} storage";
}
