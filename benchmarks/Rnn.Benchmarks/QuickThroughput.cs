using System.Diagnostics;
using System.Globalization;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using Rnn.Harness.Benchmarks;

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
        ("lstm step 16x512x160 B prepacked", 16, 512, 160, false, false, true),  // the LSTM before the lane layout
        ("weight grad 512x160x1792 tA", 512, 160, 1792, true, false, false),    // its window-wide dW
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
                PrintRow(name, gemm, peak);
            }
            if (openBlas) continue;
            // The LSTM layer's own products (lane-major pieces of 16 batch rows, LSTM-128 with 28 inputs, T = 28).
            var (step, stepPeak) = Interleaved(compute, GemmThroughput.Flops(512, 16, 160), LaneStep(compute, 512, 160));
            PrintRow("lstm step 512x160 panels x 16 lanes", step, stepPeak);
            var (piece, piecePeak) = Interleaved(compute, GemmThroughput.Flops(512, 160, 448), PieceWeightGradient(compute, 512, 160, 448));
            PrintRow("lstm piece dW 512x160x448 lane-major", piece, piecePeak);
        }
    }

    private static void PrintRow(string name, double gemm, double peak) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-36} {gemm,6:F1} GFLOP/s  peak {peak,6:F1}  {100 * gemm / peak,5:F1}% of peak"));

    /// <summary>One step product of an LSTM piece: C[m, 16] = W (packed panels [m, k]) · xh [k, 16 lanes].</summary>
    private static unsafe Action LaneStep(CpuCompute compute, int m, int k)
    {
        var panels = compute.PackPanels(false, m, k, Random(m * k));
        var block = AlignedFloats.Grow(null, k * LaneTranspose.Lanes);
        Random(k * LaneTranspose.Lanes).CopyTo(block.Span);
        var c = AlignedFloats.Grow(null, m * LaneTranspose.Lanes);
        return () => compute.MultiplyLanes(panels, m, block.Pointer, c.Pointer);
    }

    /// <summary>
    /// One piece's weight gradient: dW [m, n] = dGᵀ · XH, dG lane-major as the piece leaves it (k/16 blocks [m, 16]),
    /// XH packed [k, n].
    /// </summary>
    private static unsafe Action PieceWeightGradient(CpuCompute compute, int m, int n, int k)
    {
        var blocks = AlignedFloats.Grow(null, m * k);
        Random(m * k).CopyTo(blocks.Span);
        var packed = compute.Pack(false, k, n, Random(k * n));
        var c = new float[m * n];
        return () => compute.GemmLaneMajorA(blocks.Pointer, m, k / LaneTranspose.Lanes, (nint)m * LaneTranspose.Lanes, packed, c, accumulate: false);
    }

    private static float[] Random(int length)
    {
        var random = new DeterministicRandom((ulong)length);
        var values = new float[length];
        for (var i = 0; i < length; i++) values[i] = random.NextFloat() * 2f - 1f;
        return values;
    }

    /// <summary>Median GFLOP/s of the GEMM and of the FMA peak, sampled alternately.</summary>
    private static (double Gemm, double Peak) Interleaved(CpuCompute compute, int m, int n, int k, bool transA,
        bool transB, bool prepacked, bool openBlas)
    {
        var a = Random(m * k);
        var b = Random(k * n);
        var c = new float[m * n];
        var packed = prepacked ? compute.Pack(transB, k, n, b) : null;
        Action gemm = openBlas ? () => OpenBlasReference.Gemm(transA, transB, m, n, k, a, b, c)
            : packed is null ? () => compute.Gemm(transA, transB, m, n, k, a, b, c, accumulate: false)
            : () => compute.Gemm(transA, m, a, packed, c, accumulate: false);
        return Interleaved(compute, GemmThroughput.Flops(m, n, k), gemm, samplePeak: !openBlas);
    }

    /// <summary>Median GFLOP/s of <paramref name="product"/> (<paramref name="flops"/> a call) and of the FMA peak.</summary>
    private static (double Gemm, double Peak) Interleaved(CpuCompute compute, double flops, Action product,
        bool samplePeak = true)
    {
        var calls = Math.Max(1, (int)(1e7 / flops)); // ~10 ms per sample at ~1 TFLOP/s down to ~100 GFLOP/s
        var peak = new PeakSampler(compute, (long)(flops * calls / compute.Threads / FmaPeak.FlopsPerIteration));
        void Calls()
        {
            for (var i = 0; i < calls; i++) product();
        }

        for (var warm = Stopwatch.StartNew(); warm.ElapsedMilliseconds < 200;)
        {
            Calls();
            if (samplePeak) peak.Sample();
        }
        var gemmRates = new double[Rounds];
        var peakRates = new double[Rounds];
        for (var r = 0; r < Rounds; r++)
        {
            gemmRates[r] = flops * calls / Seconds(Calls) / 1e9;
            peakRates[r] = samplePeak ? peak.Sample() : double.NaN;
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
