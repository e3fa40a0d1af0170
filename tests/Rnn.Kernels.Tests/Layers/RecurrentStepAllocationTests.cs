using Rnn.Kernels.Benchmarks;
using Rnn.Kernels.Models;

namespace Rnn.Kernels.Tests.Layers;

/// <summary>
/// A training step of a recurrent layer (forward and backward, as the kernel benchmark runs it) allocates nothing
/// once its buffers exist: the step loop must not feed the GC. One thread, so every allocation is this thread's.
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
}
