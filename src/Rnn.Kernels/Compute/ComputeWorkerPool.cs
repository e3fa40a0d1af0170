using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Rnn.Kernels.Compute;

/// <summary>
/// Persistent worker threads owned by one <see cref="CpuCompute"/>. A job is split statically into shares 0..P-1:
/// the caller runs share 0 and worker w runs share w. Dispatch is a generation counter the workers spin on for a
/// short while and then sleep on, so back-to-back GEMMs of a step loop start in well under a microsecond instead of
/// paying the .NET ThreadPool's queueing, and idle workers do not burn a core.
/// </summary>
/// <remarks>
/// Each share is claimed with a compare-and-swap. When the caller has finished share 0 it claims any share whose
/// worker has not started yet (descheduled on a busy machine, or still waking from sleep) and runs it itself; it
/// only ever waits for shares that are actually running. The split, and so every result, stays the same; only which
/// thread runs a share changes. Not reentrant: <see cref="CpuCompute"/> serialises calls and runs nested calls inline.
/// </remarks>
internal sealed class ComputeWorkerPool : IDisposable
{
    /// <summary>
    /// How long an idle worker keeps spinning before it sleeps: covers the gaps between a step's kernels.
    /// </summary>
    private static readonly long WorkerSpinTicks = Stopwatch.Frequency / 10_000; // 100 µs

    /// <summary>
    /// How long a worker woken ahead of work (<see cref="Wake"/>) spins for it: a sleeping thread takes 0.2–0.3 ms to
    /// get its core back on this project's VMs, longer than the serial set-up it is woken during.
    /// </summary>
    private static readonly long WokenSpinTicks = Stopwatch.Frequency / 1_000; // 1 ms

    /// <summary>How long the caller spins for running shares before blocking.</summary>
    private static readonly long CallerSpinTicks = Stopwatch.Frequency / 5_000; // 200 µs

    /// <summary>
    /// Spin iterations per clock read: a read cost about as much as the spin itself (a tenth of the samples in the
    /// spin loops), and the spin limits above need no better than a few microseconds' precision.
    /// </summary>
    private const int ClockEvery = 16;

    [ThreadStatic] private static ComputeWorkerPool? t_currentPool;
    [ThreadStatic] private static int t_currentWorker;

    private readonly Thread[] _threads;
    private readonly object _sleepGate = new();
    private readonly object _doneGate = new();

    /// <summary>Per share: the generation it is open for, or 0 once claimed (or never opened).</summary>
    private readonly long[] _openShares;
    private readonly bool _started;

    private IComputeWork? _work;
    private int _participants;
    private long _generation;
    private int _sleepers;
    private long _wakeCalls;
    private int _pending;
    private int _callerWaiting;
    private volatile bool _stopping;
    private ExceptionDispatchInfo? _failure;

    /// <param name="workers">Worker threads besides the caller.</param>
    /// <param name="start">False only in tests: workers that never run, as if never scheduled.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ComputeWorkerPool(int workers, bool start = true)
    {
        _openShares = new long[workers + 1];
        _started = start;
        _threads = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"CpuCompute worker {i + 1}" };
            if (start) _threads[i].Start(i + 1);
        }
    }

    /// <summary>Workers plus the calling thread.</summary>
    public int Participants => _threads.Length + 1;

    /// <summary>
    /// True on a thread that is running a share of this pool (the caller inside Run, or a worker), with the share.
    /// </summary>
    public bool IsInside(out int share)
    {
        share = t_currentWorker;
        return ReferenceEquals(t_currentPool, this);
    }

    /// <summary>
    /// Runs shares 0..participants-1 of <paramref name="work"/> and returns when all are done, rethrowing the first
    /// exception any of them raised.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(IComputeWork work, int participants)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        participants = Math.Clamp(participants, 1, Participants);
        _work = work;
        _participants = participants;
        _failure = null;
        _pending = participants - 1;
        var generation = _generation + 1;
        for (var share = 1; share < _openShares.Length; share++)
            Volatile.Write(ref _openShares[share], share < participants ? generation : 0);
        // Full fence: the job and the open shares are visible before any worker sees the new generation.
        Interlocked.Exchange(ref _generation, generation);
        if (participants > 1 && Volatile.Read(ref _sleepers) > 0)
            lock (_sleepGate) Monitor.PulseAll(_sleepGate);

        Execute(work, 0, participants);
        for (var share = 1; share < participants; share++)
        {
            if (Interlocked.CompareExchange(ref _openShares[share], 0, generation) != generation) continue;
            Execute(work, share, participants);
            Interlocked.Decrement(ref _pending);
        }
        WaitForRunningShares();
        _work = null;
        _failure?.Throw();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Execute(IComputeWork work, int share, int participants)
    {
        var previousPool = t_currentPool;
        var previousShare = t_currentWorker;
        t_currentPool = this;
        t_currentWorker = share;
        try
        {
            work.Execute(share, participants);
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
            t_currentWorker = previousShare;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WaitForRunningShares()
    {
        var spinUntil = Stopwatch.GetTimestamp() + CallerSpinTicks;
        var spins = 0;
        while (Volatile.Read(ref _pending) != 0)
        {
            if (++spins % ClockEvery != 0 || Stopwatch.GetTimestamp() <= spinUntil)
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

    /// <summary>
    /// Pulls sleeping workers back into their spin because a job follows shortly, so the wake-up latency overlaps
    /// the caller's serial set-up instead of delaying the workers' shares (and leaving the caller to run them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Wake()
    {
        if (Volatile.Read(ref _sleepers) == 0) return;
        lock (_sleepGate)
        {
            _wakeCalls++;
            Monitor.PulseAll(_sleepGate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WorkerLoop(object? state)
    {
        var share = (int)state!;
        var seen = 0L;
        while (true)
        {
            seen = WaitForNextGeneration(seen);
            if (_stopping) return;
            // Claiming with the generation seen means a late wake-up can never take a share of a later job whose
            // fields are still being written: that share is open for another generation, or not open at all.
            if (Interlocked.CompareExchange(ref _openShares[share], 0, seen) != seen) continue;
            Execute(_work!, share, _participants);
            // A late pulse (the caller already saw zero and moved on) only wakes a waiting caller to re-check.
            if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _callerWaiting) != 0)
                lock (_doneGate) Monitor.PulseAll(_doneGate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long WaitForNextGeneration(long seen)
    {
        var spinUntil = Stopwatch.GetTimestamp() + WorkerSpinTicks;
        var spins = 0;
        long generation;
        while ((generation = Volatile.Read(ref _generation)) == seen)
        {
            if (++spins % ClockEvery != 0 || Stopwatch.GetTimestamp() <= spinUntil)
            {
                Thread.SpinWait(4);
                continue;
            }
            var woken = false;
            lock (_sleepGate)
            {
                // Registering as a sleeper (full fence) before re-reading the generation pairs with Run's exchange
                // then read of _sleepers: one of the two always sees the other, so no wake-up is lost.
                Interlocked.Increment(ref _sleepers);
                var wakeCalls = _wakeCalls;
                while ((generation = Volatile.Read(ref _generation)) == seen && _wakeCalls == wakeCalls)
                    Monitor.Wait(_sleepGate);
                woken = generation == seen;
                Interlocked.Decrement(ref _sleepers);
            }
            if (woken) spinUntil = Stopwatch.GetTimestamp() + WokenSpinTicks;
        }
        return generation;
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        Interlocked.Increment(ref _generation);
        lock (_sleepGate) Monitor.PulseAll(_sleepGate);
        if (_started) foreach (var thread in _threads) thread.Join();
    }
}
