using Rnn.Kernels.Compute;
using Rnn.Harness.Benchmarks;

namespace Rnn.Kernels.Tests.Compute;

/// <summary>The timing helpers run and return sane numbers; no assertion on speed (machines vary too much).</summary>
public class GemmThroughputTests
{
    [Fact]
    public void MeasureReturnsAPositiveTime()
    {
        var seconds = GemmThroughput.Measure(8, 16, 8, threads: 2, transA: true, transB: true);
        Assert.True(seconds > 0 && double.IsFinite(seconds), $"{seconds}");
        Assert.Equal(2.0 * 8 * 16 * 8, GemmThroughput.Flops(8, 16, 8));
    }

    [Fact]
    public void FmaPeakReturnsAPositiveRate()
    {
        var gflops = FmaPeak.MeasureGflops(threads: 2, iterationsPerThread: 1000);
        Assert.True(gflops > 0 && double.IsFinite(gflops), $"{gflops}");
        Assert.True(float.IsFinite(FmaPeak.Run(100)));
    }
}
