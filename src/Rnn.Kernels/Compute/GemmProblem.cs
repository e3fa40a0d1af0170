namespace Rnn.Kernels.Compute;

/// <summary>
/// One GEMM call's operands as raw pointers, so it can be handed to worker threads (spans cannot leave the stack).
/// The pointers are valid only while <see cref="CpuCompute"/> keeps the caller's spans pinned, i.e. during the call.
/// </summary>
internal unsafe struct GemmProblem
{
    public float* A;
    public float* B;
    public float* C;
    public int M;
    public int N;
    public int K;
    public bool TransA;
    public bool TransB;
    public bool Accumulate;
    public GemmKernelKind Kernel;

    /// <summary>Packed B in <see cref="PackedMatrix"/> layout, or null when B is packed per tile.</summary>
    public float* PrepackedB;

    /// <summary>Row length of each depth block of <see cref="PrepackedB"/>.</summary>
    public int PrepackedPaddedN;
}
