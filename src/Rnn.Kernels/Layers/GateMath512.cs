using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Rnn.Kernels.Layers.Activations;

namespace Rnn.Kernels.Layers;

/// <summary>
/// The layers' gate math on sixteen lanes, for AVX-512 machines (<see cref="Activations.Use512"/>). Each method is the
/// Vector256 loop body of its layer with the same operations in the same order, so an element's bits never depend on
/// which width ran it; the layers run these over whole 16-float blocks and their own 8-float code over the rest.
/// </summary>
internal static class GateMath512
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load(ReadOnlySpan<float> s, int j)
    {
        System.Diagnostics.Debug.Assert(j + Width512 <= s.Length);
        return Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(s), (nuint)j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> v, Span<float> s, int j)
    {
        System.Diagnostics.Debug.Assert(j + Width512 <= s.Length);
        v.StoreUnsafe(ref MemoryMarshal.GetReference(s), (nuint)j);
    }

    /// <summary>
    /// LSTM forward, sixteen lanes of one unit, from the gates before activation (as LstmLayer.ActivateCellLanes):
    /// σ(i), σ(f), tanh(g), σ(o) stored in place, then c' = f ⊙ c + i ⊙ g ; h' = o ⊙ tanh(c'). One pass over the gates
    /// (the 256-bit path makes one per activation, short of registers for all the constants).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ActivateLstmCell(Span<float> g, int gateStride, int at, ReadOnlySpan<float> cPrev,
        Span<float> cNext, Span<float> tanhC, Span<float> hNext)
    {
        var i = Sigmoid(Load(g, at));
        var f = Sigmoid(Load(g, gateStride + at));
        var gg = Tanh(Load(g, 2 * gateStride + at));
        var o = Sigmoid(Load(g, 3 * gateStride + at));
        Store(i, g, at);
        Store(f, g, gateStride + at);
        Store(gg, g, 2 * gateStride + at);
        Store(o, g, 3 * gateStride + at);
        var c = f * Load(cPrev, at) + i * gg;
        var tc = Tanh(c);
        Store(c, cNext, at);
        Store(tc, tanhC, at);
        Store(o * tc, hNext, at);
    }

    /// <summary>LSTM backward, sixteen lanes of one unit (as LstmLayer.BackwardLanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LstmBackward(ReadOnlySpan<float> g, int gateStride, int at, Span<float> d,
        ReadOnlySpan<float> dhNext, ReadOnlySpan<float> dyT, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> cPrev,
        Span<float> dc)
    {
        var one = Vector512<float>.One;
        // dh += dy; dc += dh ⊙ o ⊙ (1 - tanh²c); pre-activation gradients through σ' = σ(1-σ) and tanh' = 1 - tanh²
        var i = Load(g, at);
        var f = Load(g, gateStride + at);
        var gg = Load(g, 2 * gateStride + at);
        var og = Load(g, 3 * gateStride + at);
        var h = Load(dhNext, at) + Load(dyT, at);
        var tc = Load(tanhC, at);
        var c = Load(dc, at) + h * og * (one - tc * tc);
        Store(c * gg * i * (one - i), d, at);
        Store(c * Load(cPrev, at) * f * (one - f), d, gateStride + at);
        Store(c * i * (one - gg * gg), d, 2 * gateStride + at);
        Store(h * tc * og * (one - og), d, 3 * gateStride + at);
        Store(c * f, dc, at);
    }

    /// <summary>GRU forward, units [j, j+16) of one row (as GruLayer.ForwardUnits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GruForward(Span<float> gx, ReadOnlySpan<float> ghh, ReadOnlySpan<float> hPrev,
        Span<float> hNext, int hs, int j, int o)
    {
        var one = Vector512<float>.One;
        // r, z = σ(gx + gh); n = tanh(gx_n + r ⊙ gh_n); h' = (1 - z) ⊙ n + z ⊙ h
        var r = Sigmoid(Load(gx, j) + Load(ghh, j));
        var z = Sigmoid(Load(gx, hs + j) + Load(ghh, hs + j));
        var n = Tanh(Load(gx, 2 * hs + j) + r * Load(ghh, 2 * hs + j));
        Store(r, gx, j);
        Store(z, gx, hs + j);
        Store(n, gx, 2 * hs + j);
        Store((one - z) * n + z * Load(hPrev, o), hNext, o);
    }

    /// <summary>GRU backward, units [j, j+16) of one row (as GruLayer.BackwardUnits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GruBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> ghh, Span<float> dgx, Span<float> dgh,
        Span<float> dh, ReadOnlySpan<float> dyT, ReadOnlySpan<float> hPrev, int hs, int j, int o)
    {
        var one = Vector512<float>.One;
        // dn = dh(1-z); dz = dh(h_prev - n); d(pre-n) = dn(1-n²); d(pre-r) = d(pre-n)·gh_n·r(1-r); h path keeps dh·z
        var r = Load(g, j);
        var z = Load(g, hs + j);
        var n = Load(g, 2 * hs + j);
        var d = Load(dh, o) + Load(dyT, o);
        var dAn = d * (one - z) * (one - n * n);
        var dAz = d * (Load(hPrev, o) - n) * z * (one - z);
        var dAr = dAn * Load(ghh, 2 * hs + j) * r * (one - r);
        Store(dAr, dgx, j);
        Store(dAz, dgx, hs + j);
        Store(dAn, dgx, 2 * hs + j);
        Store(dAr, dgh, j);
        Store(dAz, dgh, hs + j);
        Store(dAn * r, dgh, 2 * hs + j);
        Store(d * z, dh, o);
    }

    /// <summary>Simple RNN backward, elements [k, k+16) (as SimpleRnnLayer.BackwardUnits): dA = (dh + dy) ⊙ (1 - h²).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RnnBackward(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, ReadOnlySpan<float> dyT,
        Span<float> dA, int k)
    {
        var hk = Load(h, k);
        Store((Load(dh, k) + Load(dyT, k)) * (Vector512<float>.One - hk * hk), dA, k);
    }
}
