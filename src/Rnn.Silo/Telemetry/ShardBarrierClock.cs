using System.Diagnostics;

namespace Rnn.Silo.Telemetry;

/// <summary>
/// Measures the "wait" phase of a synchronous step: for each shard, how long the step went on waiting for the other
/// shards after this one had reported. The straggler waits about 0; every other shard waits for it, so the sum over
/// shards shows what a slow shard costs the whole job.
/// </summary>
public sealed class ShardBarrierClock(string jobId)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Dictionary<int, TimeSpan> _reported = [];

    /// <summary>Notes when <paramref name="call"/> (shard <paramref name="shard"/>'s step) completes, passing its result on.</summary>
    public async Task<T> Track<T>(int shard, Task<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var result = await call.ConfigureAwait(false);
        lock (_reported) _reported[shard] = Stopwatch.GetElapsedTime(_started);
        return result;
    }

    /// <summary>Records each shard's wait once all have reported.</summary>
    public void AllReported()
    {
        var end = Stopwatch.GetElapsedTime(_started);
        lock (_reported)
        {
            foreach (var (shard, at) in _reported)
                TrainingMetrics.PhaseTook(jobId, TelemetryNames.PhaseWait, (end - at).TotalSeconds, shard);
        }
    }
}
