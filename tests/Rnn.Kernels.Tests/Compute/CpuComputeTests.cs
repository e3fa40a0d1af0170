using Rnn.Kernels.Compute;

namespace Rnn.Kernels.Tests.Compute;

/// <summary>ParallelFor, the worker pool's life cycle, nesting, concurrency and argument checks.</summary>
public class CpuComputeTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 7)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(3, 100)]
    [InlineData(4, 1001)]
    public void ParallelForRunsEveryPieceExactlyOnce(int threads, int pieces)
    {
        using var compute = new CpuCompute(threads);
        var counts = new int[pieces];
        for (var round = 0; round < 3; round++)
            compute.ParallelFor(pieces, piece => Interlocked.Increment(ref counts[piece]));
        Assert.All(counts, count => Assert.Equal(3, count));
    }

    [Fact]
    public void ParallelForUsesTheWorkerThreads()
    {
        // The barrier keeps each thread inside its first piece until all three run one, so no thread can take two.
        using var compute = new CpuCompute(3);
        using var barrier = new Barrier(3);
        var threadIds = new int[3];
        compute.ParallelFor(3, piece =>
        {
            threadIds[piece] = Environment.CurrentManagedThreadId;
            barrier.SignalAndWait();
        });
        Assert.Equal(3, threadIds.Distinct().Count());
        Assert.Contains(Environment.CurrentManagedThreadId, threadIds);
    }

    [Fact]
    public void WorkersWokenAheadOfWorkAndLeftToSleepAgainStillRunTheirShares()
    {
        // Sleeping workers are pulled back into their spin by WakeWorkers; if no work comes they sleep again. Either
        // way the next ParallelFor must reach them: the barrier only opens when all three threads run a piece.
        using var compute = new CpuCompute(3);
        using var single = new CpuCompute(1);
        single.WakeWorkers(); // no workers: nothing to do
        foreach (var (wake, pause) in new[] { (true, 0), (true, 50), (false, 0), (true, 5) })
        {
            Thread.Sleep(50); // past the workers' spin: they sleep
            if (wake) compute.WakeWorkers();
            Thread.Sleep(pause);
            using var barrier = new Barrier(3);
            var threadIds = new int[3];
            compute.ParallelFor(3, piece =>
            {
                threadIds[piece] = Environment.CurrentManagedThreadId;
                Assert.True(barrier.SignalAndWait(TimeSpan.FromSeconds(10)), $"a worker never ran (wake {wake}, pause {pause} ms)");
            });
            Assert.Equal(3, threadIds.Distinct().Count());
        }
        compute.ParallelFor(2, _ => compute.WakeWorkers()); // inside a piece: ignored, no deadlock
    }

    [Fact]
    public void TheCallerRunsTheSharesOfWorkersThatNeverStart()
    {
        // Workers that are never scheduled (here: never started) cost parallelism, not progress or results.
        const int m = 64, n = 512, k = 128;
        var a = GemmTestData.Random(75, m * k);
        var b = GemmTestData.Random(76, k * n);
        using var normal = new CpuCompute(3);
        using var stalled = new CpuCompute(3, GemmMicroKernel.BestKind, startWorkers: false);
        var expected = GemmTestData.Run(normal, false, true, m, n, k, a, b, new float[m * n], accumulate: false);
        var actual = GemmTestData.Run(stalled, false, true, m, n, k, a, b, new float[m * n], accumulate: false);
        GemmTestData.AssertBitIdentical(expected, actual, "caller ran every share");
        var threadIds = new int[10];
        stalled.ParallelFor(10, piece => threadIds[piece] = Environment.CurrentManagedThreadId);
        Assert.All(threadIds, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
    }

    [Fact]
    public void AnExceptionInAPieceReachesTheCallerAndThePoolSurvives()
    {
        using var compute = new CpuCompute(3);
        var error = Assert.Throws<InvalidOperationException>(() =>
            compute.ParallelFor(9, piece => { if (piece == 7) throw new InvalidOperationException("piece 7"); }));
        Assert.Equal("piece 7", error.Message);
        var counts = new int[9];
        compute.ParallelFor(9, piece => counts[piece]++);
        Assert.All(counts, count => Assert.Equal(1, count));
    }

    [Fact]
    public void GemmInsideAParallelForPieceRunsInlineWithTheSameBits()
    {
        const int m = 30, n = 70, k = 50;
        var a = GemmTestData.Random(71, m * k);
        var b = GemmTestData.Random(72, k * n);
        using var compute = new CpuCompute(3);
        var expected = GemmTestData.Run(compute, false, true, m, n, k, a, b, new float[m * n], accumulate: false);
        var results = new float[4][];
        compute.ParallelFor(4, piece =>
        {
            results[piece] = new float[m * n];
            compute.Gemm(false, true, m, n, k, a, b, results[piece], accumulate: false);
            compute.ParallelFor(2, _ => { }); // nested ParallelFor runs inline too
        });
        foreach (var result in results) GemmTestData.AssertBitIdentical(expected, result, "nested");
    }

    [Fact]
    public async Task CallsFromSeveralThreadsAreSerialisedAndCorrect()
    {
        const int m = 40, n = 80, k = 60;
        var a = GemmTestData.Random(81, m * k);
        var b = GemmTestData.Random(82, k * n);
        using var compute = new CpuCompute(2);
        var expected = GemmTestData.Run(compute, false, false, m, n, k, a, b, new float[m * n], accumulate: false);
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                var c = GemmTestData.Run(compute, false, false, m, n, k, a, b, new float[m * n], accumulate: false);
                GemmTestData.AssertBitIdentical(expected, c, "concurrent");
            }
        })).ToArray();
        await Task.WhenAll(tasks);
    }

    [Fact]
    public void DisposedInstancesRefuseWorkAndDisposeTwiceIsFine()
    {
        var compute = new CpuCompute(2);
        compute.Dispose();
        compute.Dispose();
        Assert.Throws<ObjectDisposedException>(() =>
            compute.Gemm(false, false, 2, 2, 2, new float[4], new float[4], new float[4], accumulate: false));
        Assert.Throws<ObjectDisposedException>(() => compute.ParallelFor(3, _ => { }));
    }

    [Fact]
    public void ShortSpansAndBadSizesAreRejected()
    {
        using var compute = new CpuCompute(2);
        Assert.Throws<ArgumentException>(() =>
            compute.Gemm(false, false, 2, 3, 4, new float[7], new float[12], new float[6], accumulate: false));
        Assert.Throws<ArgumentException>(() =>
            compute.Gemm(false, false, 2, 3, 4, new float[8], new float[11], new float[6], accumulate: false));
        Assert.Throws<ArgumentException>(() =>
            compute.Gemm(false, false, 2, 3, 4, new float[8], new float[12], new float[5], accumulate: false));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            compute.Gemm(false, false, -1, 3, 4, new float[8], new float[12], new float[6], accumulate: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CpuCompute(0));
        var packed = compute.Pack(false, 4, 3, new float[12]);
        Assert.Throws<ArgumentException>(() => compute.Pack(false, new float[11], packed));
        Assert.Throws<ArgumentException>(() => compute.Gemm(false, 2, new float[7], packed, new float[6], false));
    }

    [Fact]
    public void ThreadsIsWhatWasAskedFor()
    {
        using var compute = new CpuCompute(3);
        Assert.Equal(3, compute.Threads);
        using var single = new CpuCompute();
        Assert.Equal(1, single.Threads);
    }
}
