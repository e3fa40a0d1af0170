using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Kernels.Layers;

/// <summary>
/// Vectorised gate nonlinearities. Every element, the tail of a row included, goes through the same Vector256 code
/// (a short tail is padded into a vector), so a value's result never depends on where it sits in a row or on how
/// rows are split between threads. Vector256.Exp is managed code, so results are also the same on every machine.
/// </summary>
internal static class Activations
{
    public const int Width = 8;

    /// <summary>σ(x) = 1 / (1 + e^(-x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    /// <summary>tanh(x) = sign(x)·(1 - e^(-2|x|)) / (1 + e^(-2|x|)): no overflow for large |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var t = Vector256.Exp(Vector256.Create(-2f) * Vector256.Abs(x));
        var magnitude = (Vector256<float>.One - t) / (Vector256<float>.One + t);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -magnitude, magnitude);
    }

    /// <summary>Loads n ≤ 8 floats from s[j..], zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ReadOnlySpan<float> s, int j, int n)
    {
        if (n == Width) return Vector256.Create(s.Slice(j, Width));
        Span<float> padded = stackalloc float[Width];
        s.Slice(j, n).CopyTo(padded);
        return Vector256.Create((ReadOnlySpan<float>)padded);
    }

    /// <summary>Stores the first n ≤ 8 lanes of v into s[j..].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> v, Span<float> s, int j, int n)
    {
        if (n == Width)
        {
            v.CopyTo(s.Slice(j, Width));
            return;
        }
        Span<float> padded = stackalloc float[Width];
        v.CopyTo(padded);
        padded[..n].CopyTo(s.Slice(j, n));
    }

    /// <summary>The scalar σ, through the same vector code.</summary>
    public static float Sigmoid(float x) => Sigmoid(Vector256.Create(x)).GetElement(0);

    public static void SigmoidInPlace(Span<float> v)
    {
        for (var j = 0; j < v.Length; j += Width)
        {
            var n = Math.Min(Width, v.Length - j);
            Store(Sigmoid(Load(v, j, n)), v, j, n);
        }
    }

    public static void TanhInPlace(Span<float> v)
    {
        for (var j = 0; j < v.Length; j += Width)
        {
            var n = Math.Min(Width, v.Length - j);
            Store(Tanh(Load(v, j, n)), v, j, n);
        }
    }
}
