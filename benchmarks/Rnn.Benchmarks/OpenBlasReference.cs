using System.Runtime.InteropServices;

namespace Rnn.Benchmarks;

/// <summary>
/// Debian's OpenBLAS (`libopenblas.so.0`, package libopenblas0-pthread), found at run time, as a speed reference for
/// the GEMM benchmarks. Not a project dependency: when the library is absent the comparison says so and is skipped.
/// </summary>
internal static unsafe class OpenBlasReference
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly nint Library = NativeLibrary.TryLoad("libopenblas.so.0", out var handle) ? handle : 0;

    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float,
        float*, int, void> Sgemm = Library == 0 ? null
        : (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLibrary.GetExport(Library, "cblas_sgemm");

    private static readonly delegate* unmanaged<int, void> SetThreads = Library == 0 ? null
        : (delegate* unmanaged<int, void>)NativeLibrary.GetExport(Library, "openblas_set_num_threads");

    public static bool IsAvailable => Library != 0;

    public static void SetThreadCount(int threads) => SetThreads(threads);

    /// <summary>C[m,n] = op(A)·op(B), row-major, as <c>CpuCompute.Gemm</c> with accumulate false.</summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float[] a, float[] b, float[] c)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            Sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, 1f, pa, transA ? m : k, pb,
                transB ? k : n, 0f, pc, n);
        }
    }
}
