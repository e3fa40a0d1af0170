namespace Rnn.Kernels.Compute;

/// <summary>
/// A left-hand GEMM operand op(A) [M, K] packed once into six-row panels (each [K, 6]) for products with blocks of
/// 16 lanes: C[M, 16] = op(A)·B[K, 16] (see <see cref="CpuCompute.MultiplyLanes"/>). Recurrent layers keep their
/// weights this way and their step data lane-major ([unit, 16 batch rows]), so a step's product needs no packing at
/// all: B is the step's data as it lies, and every tile is a full 16 columns wide.
/// </summary>
public sealed unsafe class PackedPanels
{
    // The slack takes the two floats each register-transposed panel step writes past its end.
    private readonly AlignedFloats _storage;

    internal PackedPanels(int m, int k)
    {
        M = m;
        K = k;
        _storage = new AlignedFloats((long)GemmPlan.RoundUp(m, GemmMicroKernel.MR) * k + 32);
    }

    /// <summary>Rows of op(A).</summary>
    public int M { get; }

    /// <summary>Depth (columns of op(A)).</summary>
    public int K { get; }

    /// <summary>Six-row panels (the last one zero-padded).</summary>
    public int Panels => (M + GemmMicroKernel.MR - 1) / GemmMicroKernel.MR;

    /// <summary>Panel s (rows 6s..6s+5) starts at Data + 6·K·s; depth step p of it at + 6·p.</summary>
    internal float* Data => _storage.Pointer;
}
