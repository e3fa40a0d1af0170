using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels.Compute;

/// <summary>
/// Moves up to 16 row-major rows into lane-major blocks ([unit, 16 lanes], lane r = row r) and back: the layout of a
/// recurrent piece's step data (see <see cref="PackedPanels"/>). Pure data movement, so the values never change;
/// 8×8 register transposes where whole blocks fit, element by element at the edges or without AVX.
/// </summary>
internal static unsafe class LaneTranspose
{
    public const int Lanes = GemmMicroKernel.NR;

    /// <summary>lanes[q·16 + r] = rows[r·ld + q] for r &lt; <paramref name="rows"/>, q &lt; n; other lanes untouched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToLanes(ReadOnlySpan<float> source, int ld, int rows, int n, Span<float> lanes)
    {
        if (rows == 0 || n == 0) return;
        if ((long)(rows - 1) * ld + n > source.Length || (long)(n - 1) * Lanes + rows > lanes.Length)
            throw new ArgumentException($"a [{rows}, {n}] block does not fit the spans");
        fixed (float* src = source, dst = lanes)
        {
            var (vectorRows, vectorColumns) = Avx.IsSupported ? (rows - rows % 8, n - n % 8) : (0, 0);
            for (var r0 = 0; r0 < vectorRows; r0 += 8)
                for (var q0 = 0; q0 < vectorColumns; q0 += 8)
                    RegisterTranspose.Transpose8x8(src + (nint)r0 * ld + q0, ld, dst + q0 * Lanes + r0, Lanes);
            for (var r = 0; r < rows; r++)
                for (var q = r < vectorRows ? vectorColumns : 0; q < n; q++)
                    dst[q * Lanes + r] = src[(nint)r * ld + q];
        }
    }

    /// <summary>rows[r·ld + q] = lanes[q·16 + r] for r &lt; <paramref name="rows"/>, q &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FromLanes(ReadOnlySpan<float> lanes, int rows, int n, Span<float> destination, int ld)
    {
        if (rows == 0 || n == 0) return;
        if ((long)(rows - 1) * ld + n > destination.Length || (long)(n - 1) * Lanes + rows > lanes.Length)
            throw new ArgumentException($"a [{rows}, {n}] block does not fit the spans");
        fixed (float* src = lanes, dst = destination)
        {
            var (vectorRows, vectorColumns) = Avx.IsSupported ? (rows - rows % 8, n - n % 8) : (0, 0);
            for (var r0 = 0; r0 < vectorRows; r0 += 8)
                for (var q0 = 0; q0 < vectorColumns; q0 += 8)
                    RegisterTranspose.Transpose8x8(src + q0 * Lanes + r0, Lanes, dst + (nint)r0 * ld + q0, ld);
            for (var r = 0; r < rows; r++)
                for (var q = r < vectorRows ? vectorColumns : 0; q < n; q++)
                    dst[(nint)r * ld + q] = src[q * Lanes + r];
        }
    }

    /// <summary>
    /// One six-row panel [depth, 6] from <paramref name="units"/> (≤ 6) rows of lane blocks, depth 16s + r from
    /// rows[s·<paramref name="stepStride"/> + 16i + r]; rows past <paramref name="units"/> are zero, and so are the
    /// lanes of step s past lanes[s] when <paramref name="lanes"/> is given.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToPanel(float* rows, int units, int steps, nint stepStride, float* panel, int* lanes = null)
    {
        const int MR = GemmMicroKernel.MR;
        for (var s = 0; s < steps; s++, rows += stepStride)
        {
            var n = lanes == null ? Lanes : lanes[s];
            for (var r = 0; r < Lanes; r++, panel += MR)
                for (var i = 0; i < MR; i++) panel[i] = i < units && r < n ? rows[i * Lanes + r] : 0f;
        }
    }

    /// <summary>
    /// Writes a lane-major block [n, 16] as depth rows first..first+15 of <paramref name="destination"/> (op(B)
    /// [depth, n] in PackedMatrix layout): row first + r holds lane r of every unit. first must be a multiple of 16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToPackedRows(ReadOnlySpan<float> lanes, PackedMatrix destination, int first)
    {
        const int KC = GemmPlan.KC;
        int n = destination.N, depth = destination.K;
        if (first % Lanes != 0 || first + Lanes > depth || (long)n * Lanes > lanes.Length || n % Lanes != 0)
            throw new ArgumentException($"a [{n}, 16] lane block does not fit depth {first} of a [{depth}, {n}] packed matrix");
        var p0 = first / KC * KC;
        var kc = Math.Min(KC, depth - p0);
        fixed (float* src = lanes)
        {
            // Depth block p0 holds panels of kc rows × 16 columns one after another.
            var block = destination.Data + (nint)p0 * destination.PaddedN + (first - p0) * Lanes;
            for (var c0 = 0; c0 < n; c0 += Lanes)
            {
                var panel = block + (nint)c0 * kc;
                var from = src + c0 * Lanes;
                if (Avx.IsSupported)
                {
                    for (var r0 = 0; r0 < Lanes; r0 += 8)
                        for (var q0 = 0; q0 < Lanes; q0 += 8)
                            RegisterTranspose.Transpose8x8(from + q0 * Lanes + r0, Lanes, panel + r0 * Lanes + q0, Lanes);
                }
                else
                {
                    for (var r = 0; r < Lanes; r++)
                        for (var q = 0; q < Lanes; q++) panel[r * Lanes + q] = from[q * Lanes + r];
                }
            }
        }
        GC.KeepAlive(destination);
    }
}
