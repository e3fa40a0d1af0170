using System.Runtime.Intrinsics;

namespace Rnn.Kernels.Compute;

/// <summary>
/// The multiply-add the vector kernels are instantiated with. A struct type argument makes the JIT compile one copy
/// of each kernel per implementation with the call inlined, so the FMA and the AVX-only kernels share one source.
/// </summary>
internal interface IMultiplyAdd
{
    /// <summary>a·b + c, rounded as the implementation defines (once for FMA, twice for multiply then add).</summary>
    static abstract Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c);
}
