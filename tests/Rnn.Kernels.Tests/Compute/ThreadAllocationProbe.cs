namespace Rnn.Kernels.Tests.Compute;

/// <summary>
/// Reads the allocation counter of every thread of a <see cref="Rnn.Kernels.Compute.CpuCompute"/> pool before and
/// after some work: run <c>compute.ParallelFor(threads, probe.Before)</c>, the work, then
/// <c>compute.ParallelFor(threads, probe.After)</c>. Each probe piece waits at a rendezvous, so every thread runs
/// exactly one piece; counters are matched by thread, whichever piece it ran. The delegates are made once, up front,
/// so the probe itself allocates nothing in between.
/// </summary>
internal sealed class ThreadAllocationProbe
{
    private readonly SpinRendezvous _meet;
    private readonly int[] _beforeThread, _afterThread;
    private readonly long[] _before, _after;

    public ThreadAllocationProbe(int threads)
    {
        _meet = new SpinRendezvous(threads);
        _beforeThread = new int[threads];
        _afterThread = new int[threads];
        _before = new long[threads];
        _after = new long[threads];
        Before = piece =>
        {
            _meet.Wait();
            _beforeThread[piece] = Environment.CurrentManagedThreadId;
            _before[piece] = GC.GetAllocatedBytesForCurrentThread();
        };
        After = piece =>
        {
            _afterThread[piece] = Environment.CurrentManagedThreadId;
            _after[piece] = GC.GetAllocatedBytesForCurrentThread();
            _meet.Wait();
        };
    }

    public Action<int> Before { get; }

    public Action<int> After { get; }

    /// <summary>Bytes each probed thread allocated between the two probes.</summary>
    public IReadOnlyList<long> AllocatedPerThread()
    {
        var result = new long[_before.Length];
        for (var i = 0; i < _before.Length; i++)
        {
            var j = Array.IndexOf(_afterThread, _beforeThread[i]);
            Assert.True(j >= 0, $"thread {_beforeThread[i]} ran a piece before the work but none after it");
            result[i] = _after[j] - _before[i];
        }
        return result;
    }

    /// <summary>
    /// Bytes each thread allocated over <paramref name="work"/>, in the first of up to three windows where no thread
    /// allocated (else the last window's counts). One-time costs can land in a window on a busy machine — a static
    /// class first touched by the worker when the caller ran every piece during warm-up, a tier-up of a method — but
    /// a step that allocates allocates in every window, so a leak still fails.
    /// </summary>
    public static IReadOnlyList<long> SteadyState(Rnn.Kernels.Compute.CpuCompute compute, int threads, Action work)
    {
        IReadOnlyList<long> allocated = [];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var probe = new ThreadAllocationProbe(threads);
            compute.ParallelFor(threads, probe.Before);
            work();
            compute.ParallelFor(threads, probe.After);
            allocated = probe.AllocatedPerThread();
            if (allocated.All(bytes => bytes == 0)) break;
        }
        return allocated;
    }
}
