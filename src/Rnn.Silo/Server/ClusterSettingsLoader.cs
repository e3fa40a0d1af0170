using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;
using Rnn.Silo.Configuration;

namespace Rnn.Silo.Server;

/// <summary>
/// Reads and checks --clustering, --storage, --redis, --cluster-id and --advertise-address. Redis is contacted here,
/// before Orleans starts, so an unreachable or mistyped server is one message naming the setting after a bounded wait
/// instead of Orleans retrying its membership table for minutes.
/// </summary>
public static partial class ClusterSettingsLoader
{
    public static ClusterSettings Load(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var membership = (SiloSettingsLoader.Text(config, SiloSettingNames.Clustering) ?? "localhost").ToLowerInvariant() switch
        {
            "localhost" => ClusterMembership.Localhost,
            "redis" => ClusterMembership.Redis,
            var other => throw new SettingsException($"{SiloSettingNames.Clustering}: '{other}' is not a clustering; use localhost (one silo) or redis (several)"),
        };
        var storageText = (SiloSettingsLoader.Text(config, SiloSettingNames.Storage) ?? (membership == ClusterMembership.Redis ? "redis" : "memory")).ToLowerInvariant();
        if (storageText is not ("memory" or "redis"))
            throw new SettingsException($"{SiloSettingNames.Storage}: '{storageText}' is not a grain storage; use memory or redis");

        var clusterId = SiloSettingsLoader.Text(config, SiloSettingNames.ClusterId) ?? "rnn";
        if (!ClusterIdPattern().IsMatch(clusterId))
            throw new SettingsException($"{SiloSettingNames.ClusterId}: '{clusterId}' must be 1-64 letters, digits, '.', '_' or '-'");
        var advertise = AdvertiseAddress(config, membership);

        var redisText = SiloSettingsLoader.Text(config, SiloSettingNames.Redis);
        var needsRedis = membership == ClusterMembership.Redis || storageText == "redis";
        if (needsRedis && redisText is null)
            throw new SettingsException($"{SiloSettingNames.Redis}: {(membership == ClusterMembership.Redis ? SiloSettingNames.Clustering : SiloSettingNames.Storage)} " +
                "is redis, which needs the Redis server, e.g. --redis 127.0.0.1:6379");
        if (!needsRedis && redisText is not null)
            throw new SettingsException($"{SiloSettingNames.Redis} is set but neither {SiloSettingNames.Clustering} nor {SiloSettingNames.Storage} is redis");
        ConfigurationOptions? redis = null;
        if (needsRedis)
        {
            redis = ParseRedis(redisText!, ConnectTimeout(config));
            CheckReachable(redis, redisText!);
        }
        return new ClusterSettings
        {
            Membership = membership, Redis = redis, ClusterId = clusterId, AdvertiseAddress = advertise,
            Storage = storageText == "redis" ? RnnGrainStorage.InRedis(redis!) : RnnGrainStorage.Memory,
        };
    }

    private static IPAddress? AdvertiseAddress(IConfiguration config, ClusterMembership membership)
    {
        var text = SiloSettingsLoader.Text(config, SiloSettingNames.AdvertiseAddress);
        if (text is null) return membership == ClusterMembership.Localhost ? IPAddress.Loopback : null;
        if (!IPAddress.TryParse(text, out var address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            throw new SettingsException($"{SiloSettingNames.AdvertiseAddress}: '{text}' is not an address other silos can reach (an IP such as 10.0.0.5, not 0.0.0.0)");
        if (membership == ClusterMembership.Localhost && !IPAddress.IsLoopback(address))
            throw new SettingsException($"{SiloSettingNames.AdvertiseAddress}: localhost clustering only listens on loopback; use --clustering redis to advertise {text}");
        return address;
    }

    private static TimeSpan ConnectTimeout(IConfiguration config)
    {
        var text = SiloSettingsLoader.Text(config, SiloSettingNames.RedisConnectSeconds);
        if (text is null) return TimeSpan.FromSeconds(15);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds is < 0.1 or > 600)
            throw new SettingsException($"{SiloSettingNames.RedisConnectSeconds}: '{text}' is not a number of seconds from 0.1 to 600");
        return TimeSpan.FromSeconds(seconds);
    }

    private static ConfigurationOptions ParseRedis(string text, TimeSpan connectTimeout)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new SettingsException($"{SiloSettingNames.Redis}: '{text}' is not HOST:PORT or a Redis configuration string ({e.Message})");
        }
        if (options.EndPoints.Count == 0)
            throw new SettingsException($"{SiloSettingNames.Redis}: '{text}' names no server; use HOST:PORT, e.g. 127.0.0.1:6379");
        options.ConnectTimeout = (int)connectTimeout.TotalMilliseconds;
        // Orleans' providers keep retrying a server that goes away later; only the first connection must succeed at once.
        options.AbortOnConnectFail = false;
        return options;
    }

    /// <summary>
    /// Connects and PINGs, trying again every half second until the connect timeout has passed (an attempt that
    /// started may take twice that at most, DNS included): a refused or unroutable connection fails at once, and a
    /// Redis that is starting, or a link that just came up, must not stop the silo before the wait is over.
    /// </summary>
    private static void CheckReachable(ConfigurationOptions redis, string text)
    {
        var timeout = TimeSpan.FromMilliseconds(redis.ConnectTimeout);
        var clock = Stopwatch.StartNew();
        string? failure;
        while ((failure = TryReach(redis, timeout)) is not null && clock.Elapsed + RetryPause < timeout) Thread.Sleep(RetryPause);
        if (failure is not null)
            throw new SettingsException($"{SiloSettingNames.Redis}: cannot reach Redis at '{text}' within {clock.Elapsed.TotalSeconds:0.#} s: {failure}. " +
                $"Start Redis there or fix the address (wait: {SiloSettingNames.RedisConnectSeconds})");
    }

    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(500);

    /// <summary>One connect and PING; null when Redis answered, else why not.</summary>
    private static string? TryReach(ConfigurationOptions redis, TimeSpan timeout)
    {
        try
        {
            var probe = redis.Clone();
            probe.AbortOnConnectFail = true;
            probe.ConnectRetry = 1;
            var connect = ConnectionMultiplexer.ConnectAsync(probe);
            if (!connect.Wait(timeout * 2)) return "no answer";
            using var connection = connect.Result;
            return connection.GetDatabase().PingAsync().Wait(timeout) ? null : "no answer to PING";
        }
        catch (AggregateException e) when (e.InnerException is RedisException or TimeoutException or ArgumentException)
        {
            return FirstLine(e.InnerException!.Message);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ArgumentException)
        {
            return FirstLine(e.Message);
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        var line = end < 0 ? message : message[..end];
        // StackExchange.Redis appends advice about abortConnect, which does not apply to a start-up check.
        var advice = line.IndexOf(" To allow this multiplexer", StringComparison.Ordinal);
        return (advice < 0 ? line : line[..advice]).TrimEnd('.', ' ');
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ClusterIdPattern();
}
