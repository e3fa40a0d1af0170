namespace Rnn.Kernels.Compute;

/// <summary>
/// The CPU backend's math: row-major single-precision GEMM and a deterministic parallel loop. Work is split into
/// fixed pieces that do not depend on the thread count and no reduction is ever split across threads, so results
/// are bit-identical for any number of threads.
/// </summary>
public sealed class CpuCompute : IDisposable
{
    public CpuCompute(int threads = 1)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1");
        Threads = threads;
    }

    public int Threads { get; }

    /// <summary>
    /// C[m,n] = (accumulate ? C : 0) + op(A)·op(B), all row-major. op(A) is [m,k]: A is stored [m,k], or [k,m] when
    /// transA. op(B) is [k,n]: B is stored [k,n], or [n,k] when transB.
    /// </summary>
    public void Gemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate)
    {
        if (!accumulate) c[..(m * n)].Clear();
        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            for (var p = 0; p < k; p++)
            {
                var aip = transA ? a[p * m + i] : a[i * k + p];
                for (var j = 0; j < n; j++)
                    row[j] += aip * (transB ? b[j * k + p] : b[p * n + j]);
            }
        }
    }

    public void Dispose()
    {
    }
}
