using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Gemm;

/// <summary>
/// Row-major SGEMM on an ILGPU accelerator: cuBLAS when the accelerator is CUDA and a libcublas loads (unless
/// disabled), otherwise <see cref="TiledGemmKernel"/> with the largest square tile the device's groups allow.
/// </summary>
public sealed class IlgpuGemm : IDisposable
{
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArguments> _tiled;
    private readonly CuBlasGemm? _cuBlas;
    private readonly int _tile;
    private readonly DeviceBuffer<float> _ones;
    private int _onesLength;

    public IlgpuGemm(Accelerator accelerator, bool allowCuBlas = true)
    {
        _ones = new DeviceBuffer<float>(accelerator);
        _tiled = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArguments>(TiledGemmKernel.Run);
        var tile = (int)Math.Sqrt(Math.Min(accelerator.MaxNumThreadsPerGroup, TiledGemmKernel.MaxTile * TiledGemmKernel.MaxTile));
        _tile = Math.Max(1, tile);
        if (allowCuBlas && accelerator is CudaAccelerator cuda)
        {
            _cuBlas = CuBlasGemm.TryCreate(cuda, out var failure);
            CuBlasFailure = failure;
        }
    }

    /// <summary>True when GEMMs go to cuBLAS.</summary>
    public bool UsesCuBlas => _cuBlas is not null;

    /// <summary>Why cuBLAS was not used on a CUDA accelerator (null when it is used or the device is not CUDA).</summary>
    public string? CuBlasFailure { get; }

    /// <summary>The tiled kernel's tile edge on this accelerator.</summary>
    public int Tile => _tile;

    /// <summary>C[m,n] = (accumulate ? C : 0) + op(A)·op(B), row-major views of exactly the operands' sizes or larger.</summary>
    public void Run(bool transA, bool transB, int m, int n, int k, ArrayView<float> a, ArrayView<float> b,
        ArrayView<float> c, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        if (_cuBlas is not null)
        {
            if (k == 0 && accumulate) return;
            _cuBlas.Run(transA, transB, m, n, k, a, b, c, accumulate);
            return;
        }
        var groups = new Index2D((n + _tile - 1) / _tile, (m + _tile - 1) / _tile);
        _tiled(new KernelConfig(groups, new Index2D(_tile, _tile)), a, b, c,
            new GemmArguments(m, n, k, transA ? 1 : 0, transB ? 1 : 0, accumulate ? 1 : 0, _tile));
    }

    /// <summary>
    /// sum[cols] += Σ_r M[r, cols] (bias gradients), as the GEMM 1ᵀ·M. A kernel with one thread per column summing
    /// T·B rows serially left most of a GPU idle; the GEMM sums each column over k in order too (deterministic).
    /// </summary>
    public void AddColumnSums(ArrayView<float> m, ArrayView<float> sum, int rows, int cols)
    {
        if (rows == 0 || cols == 0) return;
        if (_onesLength < rows)
        {
            var ones = new float[rows];
            Array.Fill(ones, 1f);
            _ones.Upload(ones);
            _onesLength = rows;
        }
        Run(false, false, 1, cols, rows, _ones.Ensure(rows), m, sum, accumulate: true);
    }

    public void Dispose()
    {
        _cuBlas?.Dispose();
        _ones.Dispose();
    }
}
