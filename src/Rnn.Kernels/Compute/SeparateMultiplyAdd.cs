using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels.Compute;

/// <summary>vmulps then vaddps, for AVX machines without FMA: the product is rounded before the add.</summary>
internal readonly struct SeparateMultiplyAdd : IMultiplyAdd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Avx.Add(Avx.Multiply(a, b), c);
}
