using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels.Compute;

/// <summary>
/// Picks the register tile for one 6×16 block of C: C[mr ≤ 6, nr ≤ 16] (=|+=) Σ_p Apanel[p,0..6) ⊗ Bpanel[p,0..16)
/// over one depth block of packed, zero-padded panels. Full tiles write C directly; edge tiles run a full-width
/// kernel into a scratch tile and merge the valid part with one add per element, which is exactly the arithmetic a
/// full tile does, so an element's bits never depend on where tile edges fall. With AVX-512 two full panels run as
/// one 12×16 Vector512 tile (<see cref="RunPanels"/>), each element still the same chain of FMAs.
/// </summary>
internal static unsafe class GemmMicroKernel
{
    public const int MR = 6;
    public const int NR = 16;

    /// <summary>
    /// The widest kernel the CPU runs well. Fma512 and Fma give the same bits, so machines with and without AVX-512
    /// (or a process started with DOTNET_EnableAVX512F=0) agree.
    /// </summary>
    public static GemmKernelKind BestKind =>
        IsSupported(GemmKernelKind.Fma512) ? GemmKernelKind.Fma512
        : Fma.IsSupported && Avx.IsSupported ? GemmKernelKind.Fma
        : Avx.IsSupported ? GemmKernelKind.Avx
        : GemmKernelKind.Scalar;

    public static bool IsSupported(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Fma512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated,
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
        if (kind == GemmKernelKind.Fma512) Run512(kc, a, b, c, ldc, mr, nr, overwrite);
        else if (kind == GemmKernelKind.Fma) Run<FusedMultiplyAdd>(kc, a, b, c, ldc, mr, nr, overwrite);
        else if (kind == GemmKernelKind.Avx) Run<SeparateMultiplyAdd>(kc, a, b, c, ldc, mr, nr, overwrite);
        else RunScalar(kc, a, b, c, ldc, mr, nr, overwrite);
    }

    /// <summary>
    /// C rows [0, rows) × one 16-column panel: the six-row A panels <paramref name="panelStride"/> floats apart, each
    /// as <see cref="Run"/> would; the 512-bit kernel takes two full panels at a time (twelve chains in flight), and
    /// the last sixteen or twenty rows at once where that many are left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunPanels(GemmKernelKind kind, int kc, float* a, nint panelStride, int rows, float* b, float* c,
        nint ldc, int nr, bool overwrite)
    {
        var i = 0;
        if (kind == GemmKernelKind.Fma512 && nr == NR)
        {
            for (; i + 2 * MR <= rows; i += 2 * MR, a += 2 * panelStride)
            {
                if (rows - i == 20)
                {
                    // 12 + 8 rows left: one 20-row tile over three panels and the fourth's first two rows.
                    GemmVectorKernels512.Tile20x16(kc, a, a + panelStride, a + 2 * panelStride, a + 3 * panelStride, b,
                        c + i * ldc, ldc, overwrite);
                    return;
                }
                if (rows - i == 16)
                {
                    // 12 + 4 rows left: one 16-row tile over the two panels and the third's first four rows.
                    GemmVectorKernels512.Tile16x16(kc, a, a + panelStride, a + 2 * panelStride, b, c + i * ldc, ldc,
                        overwrite);
                    return;
                }
                GemmVectorKernels512.Tile12x16(kc, a, a + panelStride, b, c + i * ldc, ldc, overwrite);
            }
        }
        for (; i < rows; i += MR, a += panelStride) Run(kind, kc, a, b, c + i * ldc, ldc, Math.Min(MR, rows - i), nr, overwrite);
    }

    /// <summary>
    /// <see cref="RunPanels"/> for the first 8 of 16 columns (B and C rows still 16 floats apart), on Vector256 tiles
    /// of twelve and six rows; the scalar kernel is not served here.
    /// </summary>
    public static void RunHalfPanels(GemmKernelKind kind, int kc, float* a, nint panelStride, int rows, float* b,
        float* c, nint ldc, bool overwrite)
    {
        if (kind == GemmKernelKind.Avx) RunHalfPanels<SeparateMultiplyAdd>(kc, a, panelStride, rows, b, c, ldc, overwrite);
        else if (kind is GemmKernelKind.Fma or GemmKernelKind.Fma512) RunHalfPanels<FusedMultiplyAdd>(kc, a, panelStride, rows, b, c, ldc, overwrite);
        else throw new ArgumentOutOfRangeException(nameof(kind), kind, "8-lane tiles need AVX");
    }

    /// <summary><see cref="RunHalfPanels"/> for the first 4 of 16 columns (<see cref="GemmVectorKernels.Tile24x4{T}"/>).</summary>
    public static void RunQuarterPanels(GemmKernelKind kind, int kc, float* a, nint panelStride, int rows, float* b,
        float* c, nint ldc, bool overwrite)
    {
        if (kind == GemmKernelKind.Avx) RunQuarterPanels<SeparateMultiplyAdd>(kc, a, panelStride, rows, b, c, ldc, overwrite);
        else if (kind is GemmKernelKind.Fma or GemmKernelKind.Fma512) RunQuarterPanels<FusedMultiplyAdd>(kc, a, panelStride, rows, b, c, ldc, overwrite);
        else throw new ArgumentOutOfRangeException(nameof(kind), kind, "4-lane tiles need AVX2");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunQuarterPanels<T>(int kc, float* a, nint panelStride, int rows, float* b, float* c, nint ldc,
        bool overwrite)
        where T : struct, IMultiplyAdd
    {
        var i = 0;
        for (; i + 4 * MR <= rows; i += 4 * MR, a += 4 * panelStride)
            GemmVectorKernels.Tile24x4<T>(kc, a, panelStride, b, c + i * ldc, ldc, overwrite);
        for (; i < rows; i += MR, a += panelStride)
            GemmVectorKernels.Tile6x4<T>(kc, a, b, c + i * ldc, ldc, Math.Min(MR, rows - i), overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunHalfPanels<T>(int kc, float* a, nint panelStride, int rows, float* b, float* c, nint ldc,
        bool overwrite)
        where T : struct, IMultiplyAdd
    {
        var i = 0;
        for (; i + 2 * MR <= rows; i += 2 * MR, a += 2 * panelStride)
            GemmVectorKernels.Tile12x8<T>(kc, a, a + panelStride, b, c + i * ldc, ldc, overwrite);
        for (; i < rows; i += MR, a += panelStride)
            GemmVectorKernels.Tile6x8<T>(kc, a, b, c + i * ldc, ldc, Math.Min(MR, rows - i), overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run512(int kc, float* a, float* b, float* c, nint ldc, int mr, int nr, bool overwrite)
    {
        if (nr == NR && mr == MR) GemmVectorKernels512.Tile6x16(kc, a, b, c, ldc, overwrite);
        else if (nr == NR && mr == 4) GemmVectorKernels512.Tile4x16(kc, a, b, c, ldc, overwrite);
        else RunIntoScratch512(kc, a, b, c, ldc, mr, nr, overwrite);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RunIntoScratch512(int kc, float* a, float* b, float* c, nint ldc, int mr, int nr,
        bool overwrite)
    {
        var scratch = stackalloc float[MR * NR];
        if (mr <= 4) GemmVectorKernels512.Tile4x16(kc, a, b, scratch, NR, overwrite: true);
        else GemmVectorKernels512.Tile6x16(kc, a, b, scratch, NR, overwrite: true);
        Merge(scratch, c, ldc, mr, nr, overwrite);
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
