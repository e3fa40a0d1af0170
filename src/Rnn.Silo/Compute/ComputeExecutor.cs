using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Rnn.Silo.Configuration;

namespace Rnn.Silo.Compute;

/// <summary>
/// The silo's bounded pool of dedicated compute threads. Grains hand it kernel work and await the result, so a
/// long forward/backward never occupies an Orleans scheduler thread or the shared thread pool (which would starve
/// message processing and make calls time out). Admission is bounded: past the queue capacity, callers wait
/// asynchronously for a slot instead of queueing without limit.
/// </summary>
public sealed class ComputeExecutor : IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly SemaphoreSlim _slots;
    private readonly Thread[] _threads;

    public ComputeExecutor(IOptions<RnnTrainingOptions> options)
    {
        var o = options.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(o.ComputeThreads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.ComputeQueueCapacity, 1);
        _slots = new SemaphoreSlim(o.ComputeQueueCapacity, o.ComputeQueueCapacity);
        _threads = new Thread[o.ComputeThreads];
        for (var i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"rnn-compute-{i}" };
            _threads[i].Start();
        }
    }

    public int Threads => _threads.Length;

    /// <summary>Runs <paramref name="work"/> on a compute thread; the returned task completes off that thread.</summary>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _slots.WaitAsync(cancellation).ConfigureAwait(false);
        // RunContinuationsAsynchronously: the awaiting grain resumes on its own scheduler, never on a compute thread.
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _queue.Add(() =>
            {
                try
                {
                    done.TrySetResult(work());
                }
                catch (Exception e)
                {
                    done.TrySetException(e);
                }
            }, cancellation);
        }
        catch
        {
            _slots.Release();
            throw;
        }
        return await done.Task.ConfigureAwait(false);
    }

    public Task RunAsync(Action work, CancellationToken cancellation = default) =>
        RunAsync(() =>
        {
            work();
            return true;
        }, cancellation);

    private void Work()
    {
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            _slots.Release();
            item();
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads) thread.Join(TimeSpan.FromSeconds(5));
        _queue.Dispose();
        _slots.Dispose();
    }
}
