using Rnn.Kernels.Compute;

namespace Rnn.Kernels.Tests.Compute;

/// <summary>
/// The lane-major products of the recurrent layers: weights packed as six-row panels times 16-lane blocks, and the
/// prepacked-A GEMM the weight gradients use. Both must give exactly the bits of the ordinary GEMM, for every kernel.
/// </summary>
public unsafe class PackedPanelsTests
{
    private const int Lanes = LaneTranspose.Lanes;

    [Theory]
    [InlineData(512, 160, false)] // LSTM-128 forward: W [4H, I+H+1 padded] · xh
    [InlineData(160, 512, true)]  // its backward: Wᵀ · dG (stored [4H, K])
    [InlineData(13, 300, false)]  // a partial last panel, two depth blocks
    [InlineData(7, 5, true)]
    public void LaneProductHasTheBitsOfTheOrdinaryGemm(int m, int k, bool trans)
    {
        var a = GemmTestData.Random(31, m * k);
        var b = GemmTestData.Random(32, k * Lanes);
        foreach (var kind in GemmTestData.SupportedKernels())
        {
            using var compute = new CpuCompute(1, kind);
            // Expected: (Bᵀ·op(A)ᵀ)ᵀ through the ordinary GEMM, the orientation the layers used before.
            var bt = Transpose(b, k, Lanes);
            var expected = new float[Lanes * m];
            compute.Gemm(false, !trans, Lanes, m, k, bt, a, expected, false);
            var panels = compute.PackPanels(trans, m, k, a);
            var block = AlignedFloats.Grow(null, k * Lanes);
            b.CopyTo(block.Span);
            var c = new float[m * Lanes];
            fixed (float* pc = c) compute.MultiplyLanes(panels, m, block.Pointer, pc);
            GemmTestData.AssertBitIdentical(Transpose(expected, Lanes, m), c, kind.ToString());
        }
    }

    [Fact]
    public void LaneProductCanStopAfterTheFirstRows()
    {
        const int m = 40, k = 70, rows = 17;
        var a = GemmTestData.Random(41, m * k);
        var b = GemmTestData.Random(42, k * Lanes);
        using var compute = new CpuCompute(1);
        var panels = compute.PackPanels(false, m, k, a);
        var block = AlignedFloats.Grow(null, k * Lanes);
        b.CopyTo(block.Span);
        var all = new float[m * Lanes];
        var part = new float[rows * Lanes + Lanes];
        part[^1] = 42f;
        fixed (float* pa = all, pp = part)
        {
            compute.MultiplyLanes(panels, m, block.Pointer, pa);
            compute.MultiplyLanes(panels, rows, block.Pointer, pp);
        }
        GemmTestData.AssertBitIdentical(all[..(rows * Lanes)], part[..(rows * Lanes)], "first rows");
        Assert.Equal(42f, part[^1]);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(20, 2)] // depth 320: two depth blocks, the second a short one
    public void BothOperandsPrepackedFromLanesGiveTheBitsOfTheTransposedGemm(int steps, int threads)
    {
        // dW [units, n] = dGᵀ·XH over steps of 16 lanes, both operands written block by block as the LSTM pieces do.
        const int units = 20, n = 48;
        var depth = steps * Lanes;
        var dG = GemmTestData.Random(51, depth * units);
        var xh = GemmTestData.Random(52, depth * n);
        var c0 = GemmTestData.Random(53, units * n);
        using var compute = new CpuCompute(threads);
        var expected = (float[])c0.Clone();
        compute.Gemm(true, false, units, n, depth, dG, xh, expected, true);

        var panels = new PackedPanels(units, depth);
        var packed = new PackedMatrix(depth, n);
        for (var t = 0; t < steps; t++)
        {
            var gateLanes = new float[units * Lanes];
            LaneTranspose.ToLanes(dG.AsSpan(t * Lanes * units), units, Lanes, units, gateLanes);
            LaneTranspose.ToPanels(gateLanes, units, Lanes, panels, t * Lanes);
            var inputLanes = new float[n * Lanes];
            LaneTranspose.ToLanes(xh.AsSpan(t * Lanes * n), n, Lanes, n, inputLanes);
            LaneTranspose.ToPackedRows(inputLanes, packed, t * Lanes);
        }
        var actual = (float[])c0.Clone();
        compute.Gemm(panels, packed, actual, true);
        GemmTestData.AssertBitIdentical(expected, actual, $"{steps} steps, {threads} threads");
    }

    [Fact]
    public void PanelsTakeOnlyTheirOwnDepthRange()
    {
        // Two short pieces fill depth 10..14 with 1 and 15..19 with 2; the rest of A stays zero, B is all ones.
        const int units = 7, depth = 48;
        var panels = new PackedPanels(units, depth);
        var lanes = new float[units * Lanes];
        Array.Fill(lanes, 1f);
        LaneTranspose.ToPanels(lanes, units, 5, panels, 10);
        Array.Fill(lanes, 2f);
        LaneTranspose.ToPanels(lanes, units, 5, panels, 15);
        var b = new PackedMatrix(depth, 16);
        var ones = new float[16 * Lanes];
        Array.Fill(ones, 1f);
        for (var first = 0; first < depth; first += Lanes) LaneTranspose.ToPackedRows(ones, b, first);
        var c = new float[units * 16];
        using var compute = new CpuCompute(1);
        compute.Gemm(panels, b, c, false);
        Assert.All(c, v => Assert.Equal(5 * 1f + 5 * 2f, v));
    }

    [Theory]
    [InlineData(16, 24)]
    [InlineData(11, 13)]
    [InlineData(8, 8)]
    [InlineData(1, 7)]
    public void LaneBlocksRoundTripAndLeaveOtherLanesAlone(int rows, int n)
    {
        const int ld = 30;
        var source = GemmTestData.Random(61, 16 * ld);
        var lanes = new float[n * Lanes];
        Array.Fill(lanes, -7f);
        LaneTranspose.ToLanes(source, ld, rows, n, lanes);
        for (var q = 0; q < n; q++)
            for (var r = 0; r < Lanes; r++)
                Assert.Equal(r < rows ? source[r * ld + q] : -7f, lanes[q * Lanes + r]);

        var back = new float[16 * ld];
        LaneTranspose.FromLanes(lanes, rows, n, back, ld);
        for (var r = 0; r < 16; r++)
            for (var q = 0; q < ld; q++)
                Assert.Equal(r < rows && q < n ? source[r * ld + q] : 0f, back[r * ld + q]);
    }

    [Fact]
    public void LaneBlocksRefuseSpansTooShortForTheShape()
    {
        var error = Assert.Throws<ArgumentException>(() => LaneTranspose.ToLanes(new float[10], 5, 3, 5, new float[80]));
        Assert.Contains("[3, 5]", error.Message);
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        return t;
    }
}
