namespace Rnn.Kernels.Compute;

/// <summary>
/// Which micro-kernel instruction set a <see cref="CpuCompute"/> uses. Chosen once per instance from the hardware, so
/// every tile of every call runs the same instruction sequence (FMA rounds once, mul+add twice: never mix them).
/// </summary>
internal enum GemmKernelKind
{
    /// <summary>Plain scalar multiply then add; for machines without AVX.</summary>
    Scalar,

    /// <summary>Vector256 multiply then add (AVX without FMA).</summary>
    Avx,

    /// <summary>Vector256 fused multiply-add (AVX2-era x64).</summary>
    Fma,

    /// <summary>
    /// Vector512 fused multiply-add (AVX-512F): the same chain of FMAs per element as <see cref="Fma"/>, so the same
    /// bits; only more of them run per instruction.
    /// </summary>
    Fma512,
}
