using System.Diagnostics;
using System.Globalization;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;

namespace Rnn.Benchmarks;

/// <summary>
/// GFLOP/s of the benchmark shapes without BenchmarkDotNet (seconds, not minutes), ours or Debian's OpenBLAS's. Samples of the GEMM and of the
/// FMA peak alternate, ~10 ms each, and the medians are compared: on a shared machine whose speed drifts by tens of
/// percent within a minute, only interleaved measurements give a meaningful fraction of peak.
/// </summary>
public static class QuickThroughput
{
    private const int Rounds = 41;

    private static readonly (string Name, int M, int N, int K, bool TransA, bool TransB, bool Prepacked)[] Shapes =
    [
        ("target 64x2048x512", 64, 2048, 512, false, false, false),
        ("target 64x2048x512 B prepacked", 64, 2048, 512, false, false, true),
        ("recurrent 64x512x128 tB", 64, 512, 128, false, true, false),
        ("lstm step 16x512x160 B prepacked", 16, 512, 160, false, false, true),
        ("weight grad 512x160x1792 tA", 512, 160, 1792, true, false, false),
        ("square 512^3 tA tB", 512, 512, 512, true, true, false),
    ];

    /// <param name="openBlas">
    /// Time Debian's OpenBLAS instead of our GEMM (its own process: OpenBLAS's threads keep spinning after a call and
    /// would slow whatever runs next).
    /// </param>
    public static void Print(IEnumerable<int> threadCounts, bool openBlas = false)
    {
        if (openBlas && !OpenBlasReference.IsAvailable)
        {
            Console.Error.WriteLine("libopenblas.so.0 not found (apt-get install libopenblas0-pthread)");
            return;
        }
        foreach (var threads in threadCounts)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threads={threads}"));
            using var compute = new CpuCompute(threads);
            // OpenBLAS's threads spin on after each call and would depress peak samples taken between its GEMMs, so
            // its rows are set against a peak measured before its first call at this thread count.
            var peakBefore = openBlas ? MedianPeak(compute) : 0;
            if (openBlas) OpenBlasReference.SetThreadCount(threads);
            foreach (var (name, m, n, k, transA, transB, prepacked) in Shapes)
            {
                if (openBlas && prepacked) continue;
                var (gemm, peak) = Interleaved(compute, m, n, k, transA, transB, prepacked, openBlas);
                if (openBlas) peak = peakBefore;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-34} {gemm,6:F1} GFLOP/s  peak {peak,6:F1}  {100 * gemm / peak,5:F1}% of peak"));
            }
        }
    }

    /// <summary>Median GFLOP/s of the GEMM and of the FMA peak, sampled alternately.</summary>
    private static (double Gemm, double Peak) Interleaved(CpuCompute compute, int m, int n, int k, bool transA,
        bool transB, bool prepacked, bool openBlas)
    {
        var random = new DeterministicRandom(7);
        float[] Random(int length)
        {
            var values = new float[length];
            for (var i = 0; i < length; i++) values[i] = random.NextFloat() * 2f - 1f;
            return values;
        }
        var a = Random(m * k);
        var b = Random(k * n);
        var c = new float[m * n];
        var flops = GemmThroughput.Flops(m, n, k);
        var calls = Math.Max(1, (int)(1e7 / flops)); // ~10 ms per sample at ~1 TFLOP/s down to ~100 GFLOP/s
        var peak = new PeakSampler(compute, (long)(flops * calls / compute.Threads / FmaPeak.FlopsPerIteration));
        var packed = prepacked ? compute.Pack(transB, k, n, b) : null;
        void Gemm()
        {
            for (var i = 0; i < calls; i++)
            {
                if (openBlas) OpenBlasReference.Gemm(transA, transB, m, n, k, a, b, c);
                else if (packed is null) compute.Gemm(transA, transB, m, n, k, a, b, c, accumulate: false);
                else compute.Gemm(transA, m, a, packed, c, accumulate: false);
            }
        }

        for (var warm = Stopwatch.StartNew(); warm.ElapsedMilliseconds < 200;)
        {
            Gemm();
            if (!openBlas) peak.Sample();
        }
        var gemmRates = new double[Rounds];
        var peakRates = new double[Rounds];
        for (var r = 0; r < Rounds; r++)
        {
            gemmRates[r] = flops * calls / Seconds(Gemm) / 1e9;
            peakRates[r] = openBlas ? double.NaN : peak.Sample();
        }
        return (Median(gemmRates), Median(peakRates));
    }

    /// <summary>Median of <see cref="Rounds"/> FMA-peak samples alone (~10 ms each).</summary>
    private static double MedianPeak(CpuCompute compute)
    {
        var peak = new PeakSampler(compute, (long)(1e7 / compute.Threads / FmaPeak.FlopsPerIteration));
        peak.Sample();
        var rates = new double[Rounds];
        for (var r = 0; r < Rounds; r++) rates[r] = peak.Sample();
        return Median(rates);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }

    /// <summary>One FMA-peak sample: every thread runs the FMA loop; GFLOP/s of all threads together.</summary>
    private sealed class PeakSampler(CpuCompute compute, long iterationsPerThread)
    {
        private readonly float[] _sink = new float[compute.Threads];

        public double Sample()
        {
            var seconds = Seconds(() => compute.ParallelFor(compute.Threads, t => _sink[t] = FmaPeak.Run(iterationsPerThread)));
            return (double)FmaPeak.FlopsPerIteration * iterationsPerThread * compute.Threads / seconds / 1e9;
        }
    }

    private static double Seconds(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
    }
}
