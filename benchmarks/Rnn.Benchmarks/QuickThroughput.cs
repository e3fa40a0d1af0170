using System.Globalization;
using Rnn.Kernels.Compute;

namespace Rnn.Benchmarks;

/// <summary>
/// GFLOP/s of the benchmark shapes via <see cref="GemmThroughput"/>, without BenchmarkDotNet (seconds, not minutes).
/// </summary>
public static class QuickThroughput
{
    private static readonly (string Name, int M, int N, int K, bool TransA, bool TransB)[] Shapes =
    [
        ("target 64x2048x512", 64, 2048, 512, false, false),
        ("recurrent 64x512x128 tB", 64, 512, 128, false, true),
        ("input proj 1792x512x28 tB", 1792, 512, 28, false, true),
        ("weight grad 512x128x1792 tA", 512, 128, 1792, true, false),
        ("square 512^3 tA tB", 512, 512, 512, true, true),
    ];

    public static void Print(IEnumerable<int> threadCounts)
    {
        foreach (var threads in threadCounts)
        {
            var peak = FmaPeak.MeasureGflops(threads);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"threads={threads}  FMA peak {peak:F1} GFLOP/s"));
            foreach (var (name, m, n, k, transA, transB) in Shapes)
            {
                var seconds = GemmThroughput.Measure(m, n, k, threads, transA, transB);
                var gflops = GemmThroughput.Flops(m, n, k) / seconds / 1e9;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-30} {seconds * 1e6,9:F1} us  {gflops,6:F1} GFLOP/s  " +
                    $"{100 * gflops / peak,5:F1}% of peak"));
            }
        }
    }
}
