using System.Runtime.CompilerServices;
using System.Diagnostics;
using Rnn.Kernels.Tensors;

using Rnn.Kernels.Compute;

namespace Rnn.Harness.Benchmarks;

/// <summary>
/// A quick GEMM timer without BenchmarkDotNet, for <c>rnn bench</c>: warms up, then times batches of calls and
/// returns the median seconds per call (the median shrugs off the scheduler hiccups of shared machines).
/// </summary>
public static class GemmThroughput
{
    private const int Samples = 15;
    private static readonly long MinSampleTicks = Stopwatch.Frequency / 200; // 5 ms per timed batch

    /// <summary>
    /// Median seconds for one C = op(A)·op(B) of the given shape on <paramref name="threads"/> threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Measure(int m, int n, int k, int threads, bool transA = false, bool transB = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var random = new DeterministicRandom(12345);
        var a = RandomMatrix(random, m * k);
        var b = RandomMatrix(random, k * n);
        var c = new float[m * n];
        using var compute = new CpuCompute(threads);
        void Call() => compute.Gemm(transA, transB, m, n, k, a, b, c, accumulate: false);

        // Warm-up long enough for tiered JIT and the workers' first spin-up; also sizes a batch.
        var batch = 1;
        var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 5;
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < batch; i++) Call();
            var elapsed = Stopwatch.GetTimestamp() - start;
            if (elapsed >= MinSampleTicks && Stopwatch.GetTimestamp() >= warmUntil) break;
            if (elapsed < MinSampleTicks) batch *= 2;
        }

        var perCall = new double[Samples];
        for (var s = 0; s < Samples; s++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < batch; i++) Call();
            perCall[s] = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency / batch;
        }
        Array.Sort(perCall);
        return perCall[Samples / 2];
    }

    /// <summary>Floating-point operations of one GEMM (a multiply-add counts two).</summary>
    public static double Flops(int m, int n, int k) => 2.0 * m * n * k;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[] RandomMatrix(DeterministicRandom random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < values.Length; i++) values[i] = random.NextFloat() * 2f - 1f;
        return values;
    }
}
