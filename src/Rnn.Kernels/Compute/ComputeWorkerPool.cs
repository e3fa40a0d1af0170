using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Rnn.Kernels.Compute;

/// <summary>
/// Persistent worker threads owned by one <see cref="CpuCompute"/>: the caller is participant 0 and the workers are
/// 1..n. Dispatch is a generation counter the workers spin on for a short while and then sleep on, so back-to-back
/// GEMMs of a step loop start in well under a microsecond instead of paying the .NET ThreadPool's queueing, and idle
/// workers do not burn a core. Not reentrant: <see cref="CpuCompute"/> serialises calls and runs nested calls inline.
/// </summary>
internal sealed class ComputeWorkerPool : IDisposable
{
    /// <summary>
    /// How long an idle worker keeps spinning before it sleeps: covers the gaps between a step's kernels.
    /// </summary>
    private static readonly long WorkerSpinTicks = Stopwatch.Frequency / 10_000; // 100 µs

    /// <summary>How long the caller spins for stragglers before blocking.</summary>
    private static readonly long CallerSpinTicks = Stopwatch.Frequency / 5_000; // 200 µs

    [ThreadStatic] private static ComputeWorkerPool? t_currentPool;
    [ThreadStatic] private static int t_currentWorker;

    private readonly Thread[] _threads;
    private readonly object _sleepGate = new();
    private readonly object _doneGate = new();
    private IComputeWork? _work;
    private int _participants;
    private int _generation;
    private int _sleepers;
    private int _pending;
    private int _callerWaiting;
    private volatile bool _stopping;
    private ExceptionDispatchInfo? _failure;

    public ComputeWorkerPool(int workers)
    {
        _threads = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"CpuCompute worker {i + 1}" };
            _threads[i].Start(i + 1);
        }
    }

    /// <summary>Workers plus the calling thread.</summary>
    public int Participants => _threads.Length + 1;

    /// <summary>True on a thread that is running work of this pool (the caller inside Run, or a worker).</summary>
    public bool IsInside(out int worker)
    {
        worker = t_currentWorker;
        return ReferenceEquals(t_currentPool, this);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on participants 0..participants-1 (0 is the calling thread) and returns when all
    /// are done, rethrowing the first exception any of them raised.
    /// </summary>
    public void Run(IComputeWork work, int participants)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        _work = work;
        _participants = Math.Clamp(participants, 1, Participants);
        _failure = null;
        _pending = _threads.Length;
        // Full fence: publishes the job before any worker can observe the new generation.
        Interlocked.Increment(ref _generation);
        if (Volatile.Read(ref _sleepers) > 0)
            lock (_sleepGate) Monitor.PulseAll(_sleepGate);

        Execute(work, 0, _participants);
        WaitForWorkers();
        _work = null;
        _failure?.Throw();
    }

    private void Execute(IComputeWork work, int worker, int participants)
    {
        var previousPool = t_currentPool;
        var previousWorker = t_currentWorker;
        t_currentPool = this;
        t_currentWorker = worker;
        try
        {
            work.Execute(worker, participants);
        }
#pragma warning disable CA1031 // Any failure must reach the caller, not kill a worker thread.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
        }
        finally
        {
            t_currentPool = previousPool;
            t_currentWorker = previousWorker;
        }
    }

    private void WaitForWorkers()
    {
        var spinUntil = Stopwatch.GetTimestamp() + CallerSpinTicks;
        while (Volatile.Read(ref _pending) != 0)
        {
            if (Stopwatch.GetTimestamp() <= spinUntil)
            {
                Thread.SpinWait(4);
                continue;
            }
            // A plain monitor rather than an event: no lazily created objects, so no allocation ever shows up in a
            // step loop. Setting _callerWaiting (full fence) before re-reading _pending pairs with the workers'
            // decrement-then-read, so the last worker always sees the flag or the caller sees zero.
            lock (_doneGate)
            {
                Interlocked.Exchange(ref _callerWaiting, 1);
                while (Volatile.Read(ref _pending) != 0) Monitor.Wait(_doneGate);
                Interlocked.Exchange(ref _callerWaiting, 0);
            }
        }
    }

    private void WorkerLoop(object? state)
    {
        var index = (int)state!;
        var seen = 0;
        while (true)
        {
            seen = WaitForNextGeneration(seen);
            if (_stopping) return;
            if (index < _participants) Execute(_work!, index, _participants);
            // A late pulse (the caller already saw zero and moved on) only wakes a waiting caller to re-check.
            if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _callerWaiting) != 0)
                lock (_doneGate) Monitor.PulseAll(_doneGate);
        }
    }

    private int WaitForNextGeneration(int seen)
    {
        var spinUntil = Stopwatch.GetTimestamp() + WorkerSpinTicks;
        int generation;
        while ((generation = Volatile.Read(ref _generation)) == seen)
        {
            if (Stopwatch.GetTimestamp() <= spinUntil)
            {
                Thread.SpinWait(4);
                continue;
            }
            lock (_sleepGate)
            {
                // Registering as a sleeper (full fence) before re-reading the generation pairs with Run's increment
                // then read of _sleepers: one of the two always sees the other, so no wake-up is lost.
                Interlocked.Increment(ref _sleepers);
                while ((generation = Volatile.Read(ref _generation)) == seen) Monitor.Wait(_sleepGate);
                Interlocked.Decrement(ref _sleepers);
            }
        }
        return generation;
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        Interlocked.Increment(ref _generation);
        lock (_sleepGate) Monitor.PulseAll(_sleepGate);
        foreach (var thread in _threads) thread.Join();
    }
}
