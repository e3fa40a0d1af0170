using Rnn.Training.Steps;
using System.Threading.Channels;
using Orleans.Streams;
using Rnn.Contracts;
using Rnn.Contracts.Messages;

namespace Rnn.Silo.Api;

/// <summary>
/// A subscription to a job's two Orleans streams (step metrics, evaluations) that queues their items for one watcher.
/// Items may arrive twice (steps replayed after a rollback) or not at all (streams are best effort); the watcher
/// orders, de-duplicates and fills gaps from metrics.csv.
/// </summary>
public sealed class LiveJobEvents : IAsyncDisposable
{
    private readonly Channel<object> _items = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Func<Task>> _unsubscribe = [];

    private LiveJobEvents()
    {
    }

    public ChannelReader<object> Items => _items.Reader;

    public static async Task<LiveJobEvents> SubscribeAsync(IClusterClient client, string jobId)
    {
        ArgumentNullException.ThrowIfNull(client);
        var events = new LiveJobEvents();
        var provider = client.GetStreamProvider(StreamNames.Provider);
        try
        {
            await events.SubscribeAsync(provider.GetStream<StepMetrics>(StreamId.Create(StreamNames.MetricsNamespace, jobId)));
            await events.SubscribeAsync(provider.GetStream<EvaluationMetrics>(StreamId.Create(StreamNames.EvaluationNamespace, jobId)));
        }
        catch
        {
            await events.DisposeAsync();
            throw;
        }
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        _items.Writer.TryComplete();
        foreach (var unsubscribe in _unsubscribe)
        {
            try
            {
                await unsubscribe();
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // The pub-sub grain's silo may be gone; its subscription dies with it.
            }
        }
    }

    private async Task SubscribeAsync<T>(IAsyncStream<T> stream) where T : class
    {
        var handle = await stream.SubscribeAsync((item, _) =>
        {
            _items.Writer.TryWrite(item);
            return Task.CompletedTask;
        });
        _unsubscribe.Add(() => handle.UnsubscribeAsync());
    }
}
