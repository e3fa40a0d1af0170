using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels.Layers;

/// <summary>
/// Vectorised gate nonlinearities. Every element, the tail of a row included, goes through the same vector code
/// (a short tail is padded into a vector), so a value's result never depends on where it sits in a row or on how
/// rows are split between threads. The exponential is our own (Cephes' expf polynomial), so results are the same on
/// every x86 machine with FMA (and on every one without); Vector256.Exp was 8× slower (13 ns an element).
/// The Vector512 overloads (AVX-512 machines) run the same operations in the same order on sixteen lanes, so an
/// element gets the same bits whatever the vector width.
/// </summary>
internal static class Activations
{
    public const int Width = 8;

    /// <summary>Floats in a Vector512.</summary>
    public const int Width512 = 16;

    /// <summary>
    /// e^x for x clamped to [-87.3, 88.3]: x = n·ln2 + r with |r| ≤ ln2/2, e^r by Cephes' degree-6 polynomial,
    /// 2^n by building the float's exponent bits. Relative error about 1e-7. Fused multiply-adds where the CPU has
    /// them, as the GEMM kernel does (a third fewer instructions; every FMA machine gets the same bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88.3f));
        var n = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        var r = MultiplyAdd(n, Vector256.Create(-0.693359375f), x);
        r = MultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = MultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = MultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = MultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = MultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = MultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = MultiplyAdd(p, r * r, r + Vector256<float>.One);
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        return p * scale;
    }

    /// <summary>a·b + c, fused where the CPU can.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>σ(x) = 1 / (1 + e^(-x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    /// <summary>tanh(x) = sign(x)·(1 - e^(-2|x|)) / (1 + e^(-2|x|)): no overflow for large |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var t = Exp(Vector256.Create(-2f) * Vector256.Abs(x));
        var magnitude = (Vector256<float>.One - t) / (Vector256<float>.One + t);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -magnitude, magnitude);
    }

    /// <summary>e^x as <see cref="Exp(Vector256{float})"/>, on sixteen lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-87.3f)), Vector512.Create(88.3f));
        var n = Vector512.Round(x * Vector512.Create(1.44269504088896341f));
        var r = Avx512F.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Avx512F.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Avx512F.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n) + Vector512.Create(127), 23).AsSingle();
        return p * scale;
    }

    /// <summary>σ(x) as <see cref="Sigmoid(Vector256{float})"/>, on sixteen lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) =>
        Vector512<float>.One / (Vector512<float>.One + Exp(-x));

    /// <summary>tanh(x) as <see cref="Tanh(Vector256{float})"/>, on sixteen lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var t = Exp(Vector512.Create(-2f) * Vector512.Abs(x));
        var magnitude = (Vector512<float>.One - t) / (Vector512<float>.One + t);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), -magnitude, magnitude);
    }

    /// <summary>
    /// True where the 512-bit gate math runs: AVX-512F (every AVX-512 CPU has FMA too). A process started with
    /// DOTNET_EnableAVX512=0, or a CPU without AVX-512, takes the 256-bit path, which gives the same bits.
    /// </summary>
    public static bool Use512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidInPlace(Span<float> v)
    {
        var full = v.Length - v.Length % Width;
        var j = 0;
        if (Use512)
        {
            ref var v0 = ref MemoryMarshal.GetReference(v);
            for (; j + Width512 <= full; j += Width512)
                Sigmoid(Vector512.LoadUnsafe(ref v0, (nuint)j)).StoreUnsafe(ref v0, (nuint)j);
        }
        for (; j < full; j += Width) FullVector.Store(Sigmoid(FullVector.Load(v, j, Width)), v, j, Width);
        if (full < v.Length)
            PartialVector.Store(Sigmoid(PartialVector.Load(v, full, v.Length - full)), v, full, v.Length - full);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhInPlace(Span<float> v)
    {
        var full = v.Length - v.Length % Width;
        var j = 0;
        if (Use512)
        {
            ref var v0 = ref MemoryMarshal.GetReference(v);
            for (; j + Width512 <= full; j += Width512)
                Tanh(Vector512.LoadUnsafe(ref v0, (nuint)j)).StoreUnsafe(ref v0, (nuint)j);
        }
        for (; j < full; j += Width) FullVector.Store(Tanh(FullVector.Load(v, j, Width)), v, j, Width);
        if (full < v.Length)
            PartialVector.Store(Tanh(PartialVector.Load(v, full, v.Length - full)), v, full, v.Length - full);
    }

    /// <summary>The whole vectors of a row of <paramref name="length"/> floats end here; the tail starts here.</summary>
    public static int FullVectors(int length) => length - length % Width;
}
