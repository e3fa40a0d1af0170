using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
namespace Rnn.Kernels.Compute;

/// <summary>
/// The recurrent layers' products on lane-major blocks ([rows, 16 lanes] per step, a batch piece's sixteen samples):
/// the step products against packed weights and the weight-gradient GEMM reading the gate gradients where they lie.
/// Each runs on the calling thread inside a <see cref="ParallelFor"/> piece and gives the bits of the ordinary GEMM.
/// </summary>
public sealed unsafe partial class CpuCompute
{
    /// <summary>
    /// C[M, N] = (accumulate ? C : 0) + A·B on the calling thread (it runs inside a ParallelFor piece), with A [M,
    /// steps·16] lane-major where it lies: A[u, 16s + r] = a[s·<paramref name="stepStride"/> + 16u + r], one [M, 16]
    /// block per step (an LSTM piece's gate gradients), and B prepacked over the same depth. Each element is the same
    /// chain of multiply-adds over depth blocks of <c>GemmPlan.KC</c> as the ordinary GEMM of the same operands, so
    /// the bits are the same; A needs no transposing into panels. <paramref name="stepStride"/> must keep the blocks
    /// 32-byte aligned like <paramref name="a"/>. With <paramref name="lanes"/> (one count per step) only the first
    /// lanes[s] lanes of step s take part, the rest of A counting as zero whatever it holds (a packed piece's running
    /// samples: the same bits as the product with those lanes zeroed, for a fraction of the work).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void GemmLaneMajorA(float* a, int m, int steps, nint stepStride, PackedMatrix b, Span<float> c, bool accumulate,
        int* lanes = null)
    {
        const int Lanes = GemmMicroKernel.NR;
        ArgumentNullException.ThrowIfNull(b);
        int k = steps * Lanes, n = b.N;
        if (b.K != k) throw new ArgumentException($"B has depth {b.K}; {steps} steps of 16 lanes are {k}", nameof(b));
        if (stepStride < (nint)m * Lanes || ((nint)a & 31) != 0 || stepStride % 8 != 0)
            throw new ArgumentException($"lane blocks of {m} units need a 32-byte aligned start and a step stride of at least {m * Lanes} floats, a multiple of 8", nameof(stepStride));
        CheckLength(c.Length, (long)m * n, nameof(c));
        if (TrivialProduct(m, n, k, c, accumulate)) return;
        fixed (float* pc = c)
        {
            LaneGemmDriver.Run(_kernel, a, m, steps, stepStride, b, pc, accumulate, lanes);
        }
        GC.KeepAlive(b);
    }

    /// <summary>
    /// C[rows, 16] = op(A)[0..rows)·B[K, 16] on the calling thread (it runs inside a ParallelFor piece): B and C are
    /// lane-major blocks, B 64-byte aligned. Each element is the same chain of multiply-adds over depth blocks of
    /// <c>GemmPlan.KC</c> as in <see cref="Gemm(bool, bool, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool)"/>
    /// with the operands swapped, so C holds exactly the bits of (B·op(A)ᵀ)ᵀ from there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void MultiplyLanes(PackedPanels a, int rows, float* b, float* c) => MultiplyAllLanes(a, rows, b, c, a.K, false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MultiplyAllLanes(PackedPanels a, int rows, float* b, float* c, int depth, bool accumulate)
    {
        const int Lanes = GemmMicroKernel.NR, MR = GemmMicroKernel.MR;
        int k = a.K, kcMax = GemmPlan.KC;
        RequireLaneOperands(a, rows, b, depth);
        var panels = a.Data;
        for (var p0 = 0; p0 < depth; p0 += kcMax)
        {
            var kc = Math.Min(kcMax, depth - p0);
            GemmMicroKernel.RunPanels(_kernel, kc, panels + p0 * MR, (nint)MR * k, rows, b + (nint)p0 * Lanes, c,
                Lanes, Lanes, overwrite: p0 == 0 && !accumulate);
        }
        GC.KeepAlive(a);
    }

    /// <summary>
    /// <see cref="MultiplyLanes(PackedPanels, int, float*, float*)"/> for the first <paramref name="lanes"/> (4, 8, 12
    /// or 16) lanes of the blocks only: the other lanes of C are not written (B's are read up to the next multiple of
    /// 8 but unused). Each element is the same chain as in the 16-lane product, so the same bits, on Vector256 tiles
    /// at about the same cost per lane where a Vector512 FMA costs two Vector256 ones (8-lane tiles, and 4-lane ones
    /// that run two rows to a vector). The scalar kernel runs all 16 lanes, and a CPU without AVX2 8 lanes for 4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void MultiplyLanes(PackedPanels a, int rows, float* b, float* c, int lanes) =>
        MultiplyLanes(a, rows, b, c, lanes, a.K);

    /// <summary>
    /// The same product over the first <paramref name="depth"/> columns of op(A) only. Where the columns and B rows
    /// past it are zero padding (the joined weights' last panel), each element's chain merely stops before adding
    /// zeros, which leaves its bits as they are (a chain starts from +0, so its sum is never -0). With
    /// <paramref name="accumulate"/> the product is added to C (each depth block's sum added in turn, as the GEMM does).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void MultiplyLanes(PackedPanels a, int rows, float* b, float* c, int lanes, int depth, bool accumulate = false)
    {
        const int Lanes = GemmMicroKernel.NR, MR = GemmMicroKernel.MR;
        if (lanes == Lanes || _kernel == GemmKernelKind.Scalar)
        {
            MultiplyAllLanes(a, rows, b, c, depth, accumulate);
            return;
        }
        if (lanes <= 0 || lanes > Lanes || lanes % 4 != 0) throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "4, 8, 12 or 16 lanes");
        int k = a.K, kcMax = GemmPlan.KC;
        RequireLaneOperands(a, rows, b, depth);
        var panels = a.Data;
        for (var p0 = 0; p0 < depth; p0 += kcMax)
        {
            var kc = Math.Min(kcMax, depth - p0);
            float* panel = panels + p0 * MR, block = b + (nint)p0 * Lanes;
            // Lanes 0..7 on 8-lane tiles, then lanes 8..11 (or 0..3 alone) on 4-lane ones.
            var first = 0;
            if (lanes >= Lanes / 2)
            {
                GemmMicroKernel.RunHalfPanels(_kernel, kc, panel, (nint)MR * k, rows, block, c, Lanes, overwrite: p0 == 0 && !accumulate);
                first = Lanes / 2;
            }
            if (lanes % (Lanes / 2) == 0) continue;
            if (Avx2.IsSupported)
                GemmMicroKernel.RunQuarterPanels(_kernel, kc, panel, (nint)MR * k, rows, block + first, c + first, Lanes, overwrite: p0 == 0 && !accumulate);
            else
                GemmMicroKernel.RunHalfPanels(_kernel, kc, panel, (nint)MR * k, rows, block + first, c + first, Lanes, overwrite: p0 == 0 && !accumulate);
        }
        GC.KeepAlive(a);
    }

    /// <summary>The lane products' operands: op(A) has the rows asked for, the B block is 32-byte aligned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RequireLaneOperands(PackedPanels a, int rows, float* b, int depth)
    {
        if (rows > a.M) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"op(A) has {a.M} rows");
        if (depth < 1 || depth > a.K) throw new ArgumentOutOfRangeException(nameof(depth), depth, $"op(A) has {a.K} columns");
        if (((nint)b & 31) != 0) throw new ArgumentException("the B block must be 32-byte aligned", nameof(b));
    }
}
