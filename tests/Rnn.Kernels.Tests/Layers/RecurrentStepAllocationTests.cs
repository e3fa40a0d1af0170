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
        Assert.Equal(0, OneThreadSteadyState(() =>
        {
            for (var i = 0; i < 5; i++) bench.RunStep();
        }));
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void PackedTrainingStepAllocatesNothingAfterWarmUp(RecurrentCell cell)
    {
        using var bench = new RecurrentStepBenchmark(cell, 12, 20, 9, 37, threads: 1, RecurrentStepBenchmark.UniformLengths(9, 37));
        bench.RunStep();
        bench.RunStep();
        Assert.Equal(0, OneThreadSteadyState(() =>
        {
            for (var i = 0; i < 5; i++) bench.RunStep();
        }));
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void PackedBidirectionalStackOnTwoThreadsAllocatesNothingAfterWarmUp(RecurrentCell cell)
    {
        const int threads = 2, steps = 9, batch = 37, input = 12, hidden = 20;
        using var compute = new CpuCompute(threads);
        var (layers, layout) = PackedSequenceTests.Stack(cell, bidirectional: true, input, hidden, 2, compute);
        using var stack = new CpuRecurrentStackExecutor(layers);
        // Unsorted lengths (the executor sorts them), one of each batch drawn anew every step from a fixed set.
        int[][] lengthSets = [[.. RecurrentStepBenchmark.UniformLengths(steps, batch).Reverse()], RecurrentStepBenchmark.UniformLengths(steps, batch)];
        var parameters = new float[layout.TotalLength];
        var x = new float[steps * batch * input];
        var states = new float[layers[0].StateCount * layers.Count * batch * hidden];
        var (stateT, dStateT, dState0) = (new float[states.Length], new float[states.Length], new float[states.Length]);
        var y = new float[steps * batch * 2 * hidden];
        var dx = new float[x.Length];
        var gradients = new float[parameters.Length];
        void Step(int i)
        {
            stack.Forward(parameters, x, states, y, stateT, steps, batch, lengthSets[i % 2]);
            stack.Backward(parameters, y, dStateT, dx, dState0, gradients);
        }
        for (var i = 0; i < 3; i++) Step(i);
        var allocated = ThreadAllocationProbe.SteadyState(compute, threads, () =>
        {
            for (var i = 0; i < 5; i++) Step(i);
        });
        Assert.All(allocated, bytes => Assert.Equal(0, bytes));
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
        for (var i = 0; i < 3; i++) bench.RunStep();
        var allocated = ThreadAllocationProbe.SteadyState(compute, threads, () =>
        {
            for (var i = 0; i < 5; i++) bench.RunStep();
        });
        Assert.All(allocated, bytes => Assert.Equal(0, bytes));
    }

    /// <summary>
    /// Bytes this thread allocated over <paramref name="work"/> in the first of up to three windows without any (see
    /// <see cref="ThreadAllocationProbe.SteadyState"/>): a one-time cost such as a tier-up can land in one window, a
    /// step that allocates allocates in all three.
    /// </summary>
    private static long OneThreadSteadyState(Action work)
    {
        using var probeThread = new CpuCompute(1); // one thread: the probes run inline on this test's thread
        return ThreadAllocationProbe.SteadyState(probeThread, 1, work).Single();
    }
}
