using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels.Compute;

/// <summary>
/// Picks the register tile for one 6×16 block of C: C[mr ≤ 6, nr ≤ 16] (=|+=) Σ_p Apanel[p,0..6) ⊗ Bpanel[p,0..16)
/// over one depth block of packed, zero-padded panels. Full tiles write C directly; edge tiles run a full-width
/// kernel into a scratch tile and merge the valid part with one add per element, which is exactly the arithmetic a
/// full tile does, so an element's bits never depend on where tile edges fall.
/// </summary>
internal static unsafe class GemmMicroKernel
{
    public const int MR = 6;
    public const int NR = 16;

    public static GemmKernelKind BestKind =>
        Fma.IsSupported && Avx.IsSupported ? GemmKernelKind.Fma
        : Avx.IsSupported ? GemmKernelKind.Avx
        : GemmKernelKind.Scalar;

    public static bool IsSupported(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Fma => Fma.IsSupported && Avx.IsSupported,
        GemmKernelKind.Avx => Avx.IsSupported,
        _ => true,
    };

    /// <summary>
    /// C tile [mr, nr] at <paramref name="c"/> (row stride <paramref name="ldc"/>) becomes
    /// (overwrite ? 0 : C) + Σ_{p&lt;kc} a[p*6+i]·b[p*16+j].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(GemmKernelKind kind, int kc, float* a, float* b, float* c, nint ldc, int mr, int nr,
        bool overwrite)
    {
        if (kind == GemmKernelKind.Fma) Run<FusedMultiplyAdd>(kc, a, b, c, ldc, mr, nr, overwrite);
        else if (kind == GemmKernelKind.Avx) Run<SeparateMultiplyAdd>(kc, a, b, c, ldc, mr, nr, overwrite);
        else RunScalar(kc, a, b, c, ldc, mr, nr, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run<T>(int kc, float* a, float* b, float* c, nint ldc, int mr, int nr, bool overwrite)
        where T : struct, IMultiplyAdd
    {
        if (nr == NR && mr == MR) GemmVectorKernels.Tile6x16<T>(kc, a, b, c, ldc, overwrite);
        else if (nr == NR && mr == 4) GemmVectorKernels.Tile4x16<T>(kc, a, b, c, ldc, overwrite);
        else RunIntoScratch<T>(kc, a, b, c, ldc, mr, nr, overwrite);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RunIntoScratch<T>(int kc, float* a, float* b, float* c, nint ldc, int mr, int nr,
        bool overwrite)
        where T : struct, IMultiplyAdd
    {
        var scratch = stackalloc float[MR * NR];
        if (mr <= 4) GemmVectorKernels.Tile4x16<T>(kc, a, b, scratch, NR, overwrite: true);
        else GemmVectorKernels.Tile6x16<T>(kc, a, b, scratch, NR, overwrite: true);
        Merge(scratch, c, ldc, mr, nr, overwrite);
    }

    /// <summary>Portable fallback with the same packed layout and the same per-element order (mul, then add).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RunScalar(int kc, float* a, float* b, float* c, nint ldc, int mr, int nr, bool overwrite)
    {
        var scratch = stackalloc float[MR * NR];
        new Span<float>(scratch, MR * NR).Clear();
        for (var p = 0; p < kc; p++, a += MR, b += NR)
        {
            for (var i = 0; i < mr; i++)
            {
                var ai = a[i];
                var row = scratch + i * NR;
                for (var j = 0; j < NR; j++) row[j] += ai * b[j];
            }
        }
        Merge(scratch, c, ldc, mr, nr, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Merge(float* scratch, float* c, nint ldc, int mr, int nr, bool overwrite)
    {
        for (var i = 0; i < mr; i++)
        {
            var row = c + i * ldc;
            var src = scratch + i * NR;
            if (overwrite)
                for (var j = 0; j < nr; j++) row[j] = src[j];
            else
                for (var j = 0; j < nr; j++) row[j] += src[j];
        }
    }
}
