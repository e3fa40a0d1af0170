using System.Collections.Concurrent;
using Orleans.Streams;
using Rnn.Contracts;
using Rnn.Training.Steps;

namespace Rnn.Silo.Tests;

/// <summary>Every step's metrics a job publishes on its stream, in arrival order, from subscribing until disposed.</summary>
internal sealed class MetricsStreamRecorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<StepMetrics> _received = new();
    private StreamSubscriptionHandle<StepMetrics>? _subscription;

    public static async Task<MetricsStreamRecorder> SubscribeAsync(IClusterClient client, string jobId)
    {
        var recorder = new MetricsStreamRecorder();
        var stream = client.GetStreamProvider(StreamNames.Provider)
            .GetStream<StepMetrics>(StreamId.Create(StreamNames.MetricsNamespace, jobId));
        recorder._subscription = await stream.SubscribeAsync((m, _) =>
        {
            recorder._received.Enqueue(m);
            return Task.CompletedTask;
        });
        return recorder;
    }

    /// <summary>What has arrived once <paramref name="count"/> metrics have (or after 10 s: the test then sees fewer).</summary>
    public async Task<StepMetrics[]> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_received.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        return _received.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null) await _subscription.UnsubscribeAsync();
    }
}
