using ILGPU;
using ILGPU.Runtime.Cuda;

namespace Rnn.Kernels.Ilgpu.Gemm;

/// <summary>
/// Row-major SGEMM through cuBLAS (ILGPU.Algorithms' CuBlas, which loads libcublas.so.12, .11 or .10, newest
/// first, and libcublas.so.13 through <see cref="CuBlasLibraryResolver"/>; see docs/gpu.md). cuBLAS is
/// column-major, so C = op(A)·op(B) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ: the row-major buffers read as column-major
/// are already the transposes. It runs on the accelerator's default stream, the same stream as the ILGPU kernels,
/// so no extra synchronisation is needed.
/// </summary>
internal sealed class CuBlasGemm : IDisposable
{
    private readonly CuBlas _blas;

    private CuBlasGemm(CuBlas blas)
    {
        _blas = blas;
        _blas.PointerMode = CuBlasPointerMode.Host;
    }

    /// <summary>cuBLAS on <paramref name="accelerator"/>, or null with the reason when no libcublas loads.</summary>
    public static CuBlasGemm? TryCreate(CudaAccelerator accelerator, out string? failure)
    {
        try
        {
            failure = null;
            CuBlasLibraryResolver.Register();
            return new CuBlasGemm(new CuBlas(accelerator));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
                                      or CuBlasException or InvalidOperationException)
        {
            failure = $"{e.GetType().Name}: {e.Message}";
            return null;
        }
    }

    // C[m,n] = β·C + op(A)·op(B) in row-major, as column-major Cᵀ[n,m] = op(B)ᵀ·op(A)ᵀ
    public void Run(bool transA, bool transB, int m, int n, int k, ArrayView<float> a, ArrayView<float> b,
        ArrayView<float> c, bool accumulate)
    {
        var opB = transB ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        var opA = transA ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        _blas.Gemm(opB, opA, n, m, k, 1f, b, transB ? k : n, a, transA ? m : k, accumulate ? 1f : 0f, c, n);
    }

    public void Dispose() => _blas.Dispose();
}
