using Rnn.Kernels.Compute;

namespace Rnn.Kernels.Tests.Compute;

/// <summary>
/// After warm-up a GEMM (and a ParallelFor with a cached delegate) allocates nothing on any participating thread: the
/// step loop must not feed the GC. Measured with per-thread allocation counters, so tests running in parallel do not
/// disturb it.
/// </summary>
public class GemmAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void GemmDoesNotAllocateAfterWarmUp(int threads)
    {
        const int m = 64, n = 512, k = 128;
        var a = GemmTestData.Random(91, m * k);
        var b = GemmTestData.Random(92, k * n);
        var c = new float[m * n];
        using var compute = new CpuCompute(threads);
        var packed = compute.Pack(true, k, n, b);
        var meet = new SpinRendezvous(threads);
        // Workers that sleep past the caller's spin make the caller block and then fall asleep themselves, so the
        // slow synchronisation paths are covered too.
        Action<int> slowPiece = piece =>
        {
            meet.Wait();
            if (piece != 0) Thread.Sleep(2);
        };
        void Work()
        {
            compute.ParallelFor(threads, slowPiece);
            compute.Gemm(false, true, m, n, k, a, b, c, accumulate: false);
            compute.Gemm(true, false, k, n, m, a, c, b, accumulate: true);
            compute.Gemm(false, m, a, packed, c, accumulate: true);
        }

        // Several warm-up rounds: one-time work (type loading, code installed by tiering) happens before the probe.
        for (var i = 0; i < 3; i++) Work();
        var allocated = ThreadAllocationProbe.SteadyState(compute, threads, () =>
        {
            for (var i = 0; i < 10; i++) Work();
        });
        Assert.All(allocated, bytes => Assert.Equal(0, bytes));
    }
}
