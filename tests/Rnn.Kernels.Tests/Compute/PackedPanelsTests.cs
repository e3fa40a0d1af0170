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
    [InlineData(1, 2)]
    [InlineData(3, 1)]
    public void PrepackedAGemmHasTheBitsOfTheTransposedGemm(int threadsA, int threadsB)
    {
        // dW [units, n] = dGᵀ·XH over a window of rows, dG filled lane block by lane block as the LSTM pieces do.
        const int units = 20, n = 48, batch = 21, steps = 3;
        const int rows = batch * steps;
        var dG = GemmTestData.Random(51, rows * units);
        var xh = GemmTestData.Random(52, rows * n);
        var c0 = GemmTestData.Random(53, units * n);
        using var one = new CpuCompute(threadsA);
        using var other = new CpuCompute(threadsB);
        var expected = (float[])c0.Clone();
        one.Gemm(true, false, units, n, rows, dG, xh, expected, true);

        var panels = new PackedPanels(units, rows + 5);
        for (var t = 0; t < steps; t++)
            for (var b0 = 0; b0 < batch; b0 += Lanes)
            {
                var count = Math.Min(Lanes, batch - b0);
                var lanes = new float[units * Lanes];
                LaneTranspose.ToLanes(dG.AsSpan((t * batch + b0) * units), units, count, units, lanes);
                LaneTranspose.ToPanels(lanes, units, count, panels, t * batch + b0);
            }
        var actual = (float[])c0.Clone();
        other.Gemm(panels, rows, n, xh, actual, true);
        GemmTestData.AssertBitIdentical(expected, actual, $"{threadsA} vs {threadsB} threads");
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
