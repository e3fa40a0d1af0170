using System.Diagnostics;
using System.Globalization;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using Rnn.Harness.Benchmarks;

namespace Rnn.Benchmarks;

/// <summary>
/// How much a second core adds on the target GEMM (64×512)·(512×2048) with B prepacked: one thread, two threads each
/// running their own single-threaded GEMM (the most two cores can give), and one GEMM split over two threads.
/// </summary>
public static class ScalingCheck
{
    private const int M = 64, N = 2048, K = 512, Calls = 200;

    public static void Print(int rounds = 3)
    {
        for (var r = 0; r < rounds; r++)
        {
            var one = Run(1, independent: false);
            var two = Run(2, independent: true);
            var split = Run(2, independent: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"1 thread {one:F1} GFLOP/s | 2 independent single-threaded GEMMs {two:F1} together | one GEMM on 2 threads {split:F1}"));
        }
    }

    private static double Run(int threads, bool independent)
    {
        if (!independent) return Rate(threads);
        var rates = new double[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() => rates[t] = Rate(1))).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        return rates.Sum();
    }

    /// <summary>GFLOP/s of <see cref="Calls"/> prepacked target GEMMs on a CpuCompute of the given threads.</summary>
    private static double Rate(int threads)
    {
        using var compute = new CpuCompute(threads);
        var random = new DeterministicRandom(5);
        var a = new float[M * K];
        var b = new float[K * N];
        for (var i = 0; i < b.Length; i++) b[i] = random.NextFloat();
        var c = new float[M * N];
        var packed = compute.Pack(false, K, N, b);
        for (var i = 0; i < 20; i++) compute.Gemm(false, M, a, packed, c, accumulate: false);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++) compute.Gemm(false, M, a, packed, c, accumulate: false);
        return GemmThroughput.Flops(M, N, K) * Calls / clock.Elapsed.TotalSeconds / 1e9;
    }
}
