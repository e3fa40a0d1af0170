using Rnn.Kernels.Backends;
using Rnn.Harness.Benchmarks;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tests.Compute;
using Rnn.Kernels.Layers;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// A training step of a recurrent layer (forward and backward, as the kernel benchmark runs it) allocates nothing
/// once its buffers exist: the step loop must not feed the GC. Counted per thread (tests run in parallel), on the
/// caller alone or on every thread of a 2-thread pool.
/// </summary>
public sealed class RecurrentStepAllocationTests
{
    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void TrainingStepAllocatesNothingAfterWarmUp(RecurrentCell cell)
    {
        using var bench = new RecurrentStepBenchmark(cell, 12, 20, 5, 9, threads: 1);
        bench.RunStep();
        bench.RunStep();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++) bench.RunStep();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm, 64, 256, 8, 32)]
    [InlineData(RecurrentCell.Lstm, 28, 128, 6, 64)]
    [InlineData(RecurrentCell.Gru, 28, 128, 6, 64)]
    public void TrainingStepOnTwoThreadsAllocatesNothingOnEitherThread(RecurrentCell cell, int input, int hidden,
        int steps, int batch)
    {
        const int threads = 2;
        using var compute = new CpuCompute(threads);
        using var bench = new RecurrentStepBenchmark(new CpuBackend(compute), cell, input, hidden, steps, batch, threads);
        var probe = new ThreadAllocationProbe(threads);
        for (var i = 0; i < 3; i++) bench.RunStep();
        compute.ParallelFor(threads, probe.Before);
        for (var i = 0; i < 5; i++) bench.RunStep();
        compute.ParallelFor(threads, probe.After);
        Assert.All(probe.AllocatedPerThread(), bytes => Assert.Equal(0, bytes));
    }
}
