using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using Rnn.Kernels.Compute;

namespace Rnn.Harness.Benchmarks;

/// <summary>
/// The machine's attainable Vector256 multiply-add rate, measured rather than read off a spec sheet: ten independent
/// accumulator chains per thread (more than latency × FMA ports on current cores) with no memory traffic. GEMM
/// efficiency is quoted against this, measured in the same run, because shared machines drift by tens of percent.
/// </summary>
public static class FmaPeak
{
    /// <summary>
    /// Floating-point operations one call of <see cref="Run"/> performs per iteration (10 × 8 lanes × 2).
    /// </summary>
    public const int FlopsPerIteration = 10 * 8 * 2;

    /// <summary>
    /// Runs <paramref name="iterations"/> rounds of ten Vector256 multiply-adds on the calling thread and returns a
    /// value derived from the accumulators so the loop cannot be optimised away (and
    /// never inlined, where a discarded result would let the JIT delete it). Uses FMA where the CPU has it,
    /// multiply then add otherwise (the same instructions the GEMM kernel would use).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Run(long iterations)
    {
        var x = Vector256.Create(0.999999f);
        var y = Vector256.Create(1e-6f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
        Vector256<float> a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
        if (Fma.IsSupported)
        {
            for (var i = 0L; i < iterations; i++)
            {
                a0 = Fma.MultiplyAdd(a0, x, y); a1 = Fma.MultiplyAdd(a1, x, y);
                a2 = Fma.MultiplyAdd(a2, x, y); a3 = Fma.MultiplyAdd(a3, x, y);
                a4 = Fma.MultiplyAdd(a4, x, y); a5 = Fma.MultiplyAdd(a5, x, y);
                a6 = Fma.MultiplyAdd(a6, x, y); a7 = Fma.MultiplyAdd(a7, x, y);
                a8 = Fma.MultiplyAdd(a8, x, y); a9 = Fma.MultiplyAdd(a9, x, y);
            }
        }
        else
        {
            for (var i = 0L; i < iterations; i++)
            {
                a0 = a0 * x + y; a1 = a1 * x + y; a2 = a2 * x + y; a3 = a3 * x + y; a4 = a4 * x + y;
                a5 = a5 * x + y; a6 = a6 * x + y; a7 = a7 * x + y; a8 = a8 * x + y; a9 = a9 * x + y;
            }
        }
        var sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;
        return Vector256.Sum(sum);
    }

    /// <summary>
    /// Measured peak in GFLOP/s with <paramref name="threads"/> threads of one <see cref="CpuCompute"/> each running
    /// <see cref="Run"/>: the median of several timed rounds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double MeasureGflops(int threads, long iterationsPerThread = 2_000_000)
    {
        using var compute = new CpuCompute(threads);
        var sink = new float[threads];
        void Piece(int t) => sink[t] = Run(iterationsPerThread);
        compute.ParallelFor(threads, Piece); // JIT and wake-up
        var rounds = new double[7];
        for (var r = 0; r < rounds.Length; r++)
        {
            var start = Stopwatch.GetTimestamp();
            compute.ParallelFor(threads, Piece);
            var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
            rounds[r] = (double)FlopsPerIteration * iterationsPerThread * threads / seconds / 1e9;
        }
        Array.Sort(rounds);
        return rounds[rounds.Length / 2];
    }
}
