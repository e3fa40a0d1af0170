using ILGPU;

namespace Rnn.Kernels.Ilgpu.Kernels;

/// <summary>
/// Where a row copy reads and writes: <see cref="Width"/> floats of each row, from column <see cref="SrcOffset"/> of
/// rows <see cref="SrcStride"/> wide into column <see cref="DstOffset"/> of rows <see cref="DstStride"/> wide, added
/// in when <see cref="Accumulate"/> is 1.
/// </summary>
public readonly record struct RowCopy(int Width, int SrcStride, int SrcOffset, int DstStride, int DstOffset, int Accumulate)
{
    /// <summary>Whole rows of <paramref name="width"/> floats, overwritten.</summary>
    public static RowCopy Rows(int width) => new(width, width, 0, width, 0, 0);
}

/// <summary>
/// Moves rows through an index map, one thread per output element: the packed-sequence gathers and scatters, the
/// per-sample time reversal of a bidirectional layer and the concatenation of its two directions.
/// </summary>
internal static class RowCopyKernels
{
    // dst[r, DstOffset + j] (+)= map[r] ≥ 0 ? src[map[r], SrcOffset + j] : 0
    public static void CopyRows(Index1D i, ArrayView<float> src, ArrayView<float> dst, ArrayView<int> map, RowCopy copy)
    {
        int r = i / copy.Width, j = i % copy.Width;
        var from = map[r];
        var value = from >= 0 ? src[(long)from * copy.SrcStride + copy.SrcOffset + j] : 0f;
        var at = (long)r * copy.DstStride + copy.DstOffset + j;
        dst[at] = copy.Accumulate == 1 ? dst[at] + value : value;
    }
}
