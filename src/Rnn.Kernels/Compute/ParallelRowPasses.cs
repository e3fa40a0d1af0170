using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Compute;

/// <summary>
/// The two memory-bound passes over a window's [rows, cols] gate buffers that the hoisted layer (the simple RNN)
/// ran serially on one core while the others waited: filling every row with the bias before the input projection,
/// and the bias gradients' column sums. Split into fixed pieces over the compute threads: row blocks for the fill,
/// column blocks for the sums, each column still summed row by row in order, so the bits are those of the serial
/// <see cref="ElementwiseSum.AddRows"/> for any thread count and any vector width.
/// </summary>
internal sealed unsafe class ParallelRowPasses(CpuCompute compute)
{
    /// <summary>Columns per piece of the sums (a multiple of 16, whole vectors).</summary>
    private const int SumColumns = 128;

    /// <summary>Rows per piece of the fill.</summary>
    private const int RowsPerFill = 64;

    /// <summary>Below this many floats the caller's thread does the pass (a hand-off costs more).</summary>
    private const long MinParallelFloats = 1 << 16;

    private float* _matrix, _vector;
    private int _rows, _cols;
    private Action<int>? _sumPiece, _fillPiece;

    /// <summary>sum[j] += Σ_r m[r, j] over the rows in order (a bias gradient).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRows(ReadOnlySpan<float> m, int rows, int cols, Span<float> sum)
    {
        if ((long)rows * cols < MinParallelFloats)
        {
            ElementwiseSum.AddRows(m, rows, cols, sum);
            return;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(m.Length, rows * cols);
        ArgumentOutOfRangeException.ThrowIfLessThan(sum.Length, cols);
        fixed (float* pm = m, ps = sum)
        {
            Set(pm, ps, rows, cols);
            try
            {
                compute.ParallelFor((cols + SumColumns - 1) / SumColumns, _sumPiece ??= SumPiece);
            }
            finally
            {
                _matrix = _vector = null;
            }
        }
    }

    /// <summary>destination[r, ..] = row for r &lt; rows (the bias the projection GEMM accumulates onto).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FillRows(ReadOnlySpan<float> row, Span<float> destination, int rows)
    {
        var cols = row.Length;
        if ((long)rows * cols < MinParallelFloats)
        {
            for (var r = 0; r < rows; r++) row.CopyTo(destination.Slice(r * cols, cols));
            return;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, rows * cols);
        fixed (float* pd = destination, pr = row)
        {
            Set(pd, pr, rows, cols);
            try
            {
                compute.ParallelFor((rows + RowsPerFill - 1) / RowsPerFill, _fillPiece ??= FillPiece);
            }
            finally
            {
                _matrix = _vector = null;
            }
        }
    }

    private void Set(float* matrix, float* vector, int rows, int cols)
    {
        _matrix = matrix;
        _vector = vector;
        _rows = rows;
        _cols = cols;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SumPiece(int piece)
    {
        var j0 = piece * SumColumns;
        var width = Math.Min(SumColumns, _cols - j0);
        if (width == SumColumns && Vector512.IsHardwareAccelerated)
        {
            SumColumns512(_matrix + j0, _rows, _cols, _vector + j0);
            return;
        }
        var sum = new Span<float>(_vector + j0, width);
        // sum[j] += m[r, j] for r = 0..rows-1, in order
        for (var r = 0; r < _rows; r++) ElementwiseSum.AddInto(new ReadOnlySpan<float>(_matrix + (nint)r * _cols + j0, width), sum);
    }

    /// <summary>
    /// A whole piece of 128 columns with its sums in eight registers instead of loaded and stored for every row: the
    /// same additions in the same order (so the same bits), a third of the memory traffic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumColumns512(float* m, int rows, int cols, float* sum)
    {
        // sum[j] += m[r, j] for r = 0..rows-1, in order
        Vector512<float> s0 = Vector512.Load(sum), s1 = Vector512.Load(sum + 16), s2 = Vector512.Load(sum + 32), s3 = Vector512.Load(sum + 48);
        Vector512<float> s4 = Vector512.Load(sum + 64), s5 = Vector512.Load(sum + 80), s6 = Vector512.Load(sum + 96), s7 = Vector512.Load(sum + 112);
        for (var r = 0; r < rows; r++, m += cols)
        {
            s0 += Vector512.Load(m);
            s1 += Vector512.Load(m + 16);
            s2 += Vector512.Load(m + 32);
            s3 += Vector512.Load(m + 48);
            s4 += Vector512.Load(m + 64);
            s5 += Vector512.Load(m + 80);
            s6 += Vector512.Load(m + 96);
            s7 += Vector512.Load(m + 112);
        }
        s0.Store(sum);
        s1.Store(sum + 16);
        s2.Store(sum + 32);
        s3.Store(sum + 48);
        s4.Store(sum + 64);
        s5.Store(sum + 80);
        s6.Store(sum + 96);
        s7.Store(sum + 112);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillPiece(int piece)
    {
        var row = new ReadOnlySpan<float>(_vector, _cols);
        var end = Math.Min(_rows, (piece + 1) * RowsPerFill);
        for (var r = piece * RowsPerFill; r < end; r++) row.CopyTo(new Span<float>(_matrix + (nint)r * _cols, _cols));
    }
}
