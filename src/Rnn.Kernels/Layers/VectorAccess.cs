using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Kernels.Layers;

/// <summary>
/// How a gate loop reads and writes eight floats at s[j..]: <see cref="FullVector"/> in the loop over whole vectors,
/// <see cref="PartialVector"/> once for a row's tail. The loop body is written once as a generic method and the JIT
/// compiles one copy per access, so the hot copy keeps every value in registers (a single body with a branch to a
/// padded path forced each vector through the stack and ran 3–4× slower).
/// </summary>
internal interface IVectorAccess
{
    static abstract Vector256<float> Load(ReadOnlySpan<float> s, int j, int n);

    static abstract void Store(Vector256<float> v, Span<float> s, int j, int n);
}

/// <summary>Eight floats at s[j..]; the caller guarantees j + 8 ≤ s.Length.</summary>
internal readonly struct FullVector : IVectorAccess
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ReadOnlySpan<float> s, int j, int n)
    {
        Debug.Assert(j + Vector256<float>.Count <= s.Length);
        return Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(s), (nuint)j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> v, Span<float> s, int j, int n)
    {
        Debug.Assert(j + Vector256<float>.Count <= s.Length);
        v.StoreUnsafe(ref MemoryMarshal.GetReference(s), (nuint)j);
    }
}

/// <summary>n &lt; 8 floats at s[j..], zero-padded on load; only n lanes stored.</summary>
internal readonly struct PartialVector : IVectorAccess
{
    public static Vector256<float> Load(ReadOnlySpan<float> s, int j, int n)
    {
        Span<float> padded = stackalloc float[Vector256<float>.Count];
        s.Slice(j, n).CopyTo(padded);
        return Vector256.Create((ReadOnlySpan<float>)padded);
    }

    public static void Store(Vector256<float> v, Span<float> s, int j, int n)
    {
        Span<float> padded = stackalloc float[Vector256<float>.Count];
        v.CopyTo(padded);
        padded[..n].CopyTo(s.Slice(j, n));
    }
}
