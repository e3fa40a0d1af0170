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

    [Theory]
    [InlineData(512, 157, 160, 16)] // LSTM-128, I = 28: the joined width 157 padded to 160
    [InlineData(64, 290, 304, 8)]   // two depth blocks, the second shorter, on 8 lanes
    [InlineData(30, 20, 32, 4)]
    public void LaneProductStoppingBeforeZeroPaddingKeepsTheBits(int m, int depth, int k, int lanes)
    {
        // Columns of A and rows of B past depth are zero, as in the joined weights and inputs.
        var a = GemmTestData.Random(51, m * k);
        for (var i = 0; i < m; i++) a.AsSpan(i * k + depth, k - depth).Clear();
        var b = GemmTestData.Random(52, k * Lanes);
        b.AsSpan(depth * Lanes).Clear();
        foreach (var kind in GemmTestData.SupportedKernels())
        {
            using var compute = new CpuCompute(1, kind);
            var panels = compute.PackPanels(false, m, k, a);
            var block = AlignedFloats.Grow(null, k * Lanes);
            b.CopyTo(block.Span);
            float[] whole = new float[m * Lanes], stopped = new float[m * Lanes];
            fixed (float* pw = whole, ps = stopped)
            {
                compute.MultiplyLanes(panels, m, block.Pointer, pw, lanes);
                compute.MultiplyLanes(panels, m, block.Pointer, ps, lanes, depth);
            }
            GemmTestData.AssertBitIdentical(whole, stopped, $"{kind}, depth {depth} of {k}, {lanes} lanes");
            // The rows past depth are not read at all: a value there leaves the stopped product as it was.
            block.Span[depth * Lanes] = float.NaN;
            var again = new float[m * Lanes];
            fixed (float* pa = again) compute.MultiplyLanes(panels, m, block.Pointer, pa, lanes, depth);
            GemmTestData.AssertBitIdentical(stopped, again, $"{kind}, padding ignored");
        }
    }

    [Theory]
    [InlineData(512, 160, 16)]
    [InlineData(64, 290, 8)]
    public void AccumulatingLaneProductAddsEachDepthBlockToC(int m, int k, int lanes)
    {
        // C + blk0 + blk1 + …: the ordinary GEMM's accumulate (the GRU adds W_hhᵀ·dGh to dh ⊙ z so).
        var a = GemmTestData.Random(71, m * k);
        var b = GemmTestData.Random(72, k * Lanes);
        var c0 = GemmTestData.Random(73, m * Lanes);
        foreach (var kind in GemmTestData.SupportedKernels())
        {
            using var compute = new CpuCompute(1, kind);
            var bt = Transpose(b, k, Lanes);
            var expected = Transpose(c0, m, Lanes);
            compute.Gemm(false, true, Lanes, m, k, bt, a, expected, true);
            var panels = compute.PackPanels(false, m, k, a);
            var block = AlignedFloats.Grow(null, k * Lanes);
            b.CopyTo(block.Span);
            var c = (float[])c0.Clone();
            fixed (float* pc = c) compute.MultiplyLanes(panels, m, block.Pointer, pc, lanes, k, accumulate: true);
            var want = Transpose(expected, Lanes, m);
            for (var i = 0; i < m; i++)
                GemmTestData.AssertBitIdentical(want.AsSpan(i * Lanes, lanes).ToArray(), c.AsSpan(i * Lanes, lanes).ToArray(),
                    $"{kind}, {lanes} lanes, row {i}");
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
    [InlineData(3, 20, 48)]
    [InlineData(20, 20, 48)] // depth 320: two depth blocks, the second a short one
    [InlineData(17, 103, 37)] // bands of 96 rows, a 1-row edge panel, a 5-column edge
    [InlineData(1, 4, 16)]
    public void LaneMajorGateGradientsGiveTheBitsOfTheTransposedGemm(int steps, int units, int n)
    {
        // dW [units, n] = dGᵀ·XH over steps of 16 lanes: dG as the LSTM pieces leave it (one [units, 16] block per
        // step, here with a gap between blocks), XH packed.
        var depth = steps * Lanes;
        var dG = GemmTestData.Random(51, depth * units);
        var xh = GemmTestData.Random(52, depth * n);
        var c0 = GemmTestData.Random(53, units * n);
        var stepStride = (units * Lanes + 8 + 7) / 8 * 8;
        var blocks = AlignedFloats.Grow(null, steps * stepStride);
        for (var t = 0; t < steps; t++)
            LaneTranspose.ToLanes(dG.AsSpan(t * Lanes * units), units, Lanes, units, blocks.Span.Slice(t * stepStride, units * Lanes));
        foreach (var kind in GemmTestData.SupportedKernels())
        {
            using var compute = new CpuCompute(1, kind);
            var packed = compute.Pack(false, depth, n, xh);
            var expected = (float[])c0.Clone();
            compute.Gemm(true, false, units, n, depth, dG, xh, expected, true);
            var actual = (float[])c0.Clone();
            compute.GemmLaneMajorA(blocks.Pointer, units, steps, stepStride, packed, actual, accumulate: true);
            GemmTestData.AssertBitIdentical(expected, actual, $"{steps} steps, {units}×{n}, {kind}");

            var product = new float[units * n];
            compute.Gemm(true, false, units, n, depth, dG, xh, product, false);
            var overwritten = GemmTestData.Random(54, units * n);
            compute.GemmLaneMajorA(blocks.Pointer, units, steps, stepStride, packed, overwritten, accumulate: false);
            GemmTestData.AssertBitIdentical(product, overwritten, $"accumulate: false, {kind}");
        }
    }

    [Theory]
    [InlineData(1024, 336)] // LSTM-256 forward, I = 64: 24-row tiles, then a 12-row and a 4-row rest
    [InlineData(256, 1024)] // its backward without dx: four depth blocks
    [InlineData(30, 300)]   // one 24-row tile and a six-row panel, a short second depth block
    [InlineData(13, 5, 7)]  // partial last panel
    public void NarrowLaneProductHasTheBitsOfTheSixteenLaneOne(int m, int k, int seed = 0)
    {
        // A packed LSTM step computes only its running lanes rounded up to 4: the first lanes only, other lanes of C
        // untouched, each element the bits of the 16-lane product.
        var a = GemmTestData.Random(91 + (ulong)seed, m * k);
        var block = AlignedFloats.Grow(null, k * Lanes);
        GemmTestData.Random(92, k * Lanes).CopyTo(block.Span);
        foreach (var kind in GemmTestData.SupportedKernels())
        {
            using var compute = new CpuCompute(1, kind);
            var panels = compute.PackPanels(false, m, k, a);
            var all = new float[m * Lanes];
            fixed (float* pc = all) compute.MultiplyLanes(panels, m, block.Pointer, pc);
            foreach (var lanes in new[] { 4, 8, 12, 16 })
            {
                var c = new float[m * Lanes];
                Array.Fill(c, 42f);
                fixed (float* pc = c) compute.MultiplyLanes(panels, m, block.Pointer, pc, lanes);
                for (var i = 0; i < m; i++)
                    for (var r = 0; r < Lanes; r++)
                    {
                        var (expected, actual) = (all[i * Lanes + r], c[i * Lanes + r]);
                        if (r < lanes)
                            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                                $"{kind}, {lanes} lanes: row {i} lane {r} is {actual}, the 16-lane product {expected}");
                        // The scalar kernel runs all 16 lanes (and AVX without AVX2 8 for 4).
                        else if (kind is GemmKernelKind.Fma or GemmKernelKind.Fma512)
                            Assert.True(actual == 42f, $"{kind}, {lanes} lanes: row {i} lane {r} was written");
                    }
            }
        }
    }

    [Theory]
    [InlineData(17, 103, 37)] // bands of 96 rows, a 1-row edge panel, a 5-column edge, two depth blocks
    [InlineData(20, 30, 48)]  // 12-row tiles and a lone 6-row panel
    public void LaneMajorGemmTakesEachStepsRunningLanesOnly(int steps, int units, int n)
    {
        // A packed LSTM piece's weight gradient: step s counts its first lanes[s] lanes; the others hold NaN here and
        // must be skipped, and the result is the bits of the whole product with those lanes zero.
        var depth = steps * Lanes;
        var stepStride = units * Lanes;
        var values = GemmTestData.Random(101, steps * stepStride);
        var lanes = new int[steps];
        var random = new Rnn.Kernels.Tensors.DeterministicRandom(102);
        for (var s = 0; s < steps; s++) lanes[s] = s == 0 ? Lanes : s == 1 ? 0 : random.NextInt(Lanes + 1);
        var zeroed = AlignedFloats.Grow(null, steps * stepStride);
        var garbage = AlignedFloats.Grow(null, steps * stepStride);
        for (var s = 0; s < steps; s++)
            for (var u = 0; u < units; u++)
                for (var r = 0; r < Lanes; r++)
                {
                    var at = s * stepStride + u * Lanes + r;
                    zeroed.Span[at] = r < lanes[s] ? values[at] : 0f;
                    garbage.Span[at] = r < lanes[s] ? values[at] : float.NaN;
                }
        var xh = GemmTestData.Random(103, depth * n);
        var c0 = GemmTestData.Random(104, units * n);
        foreach (var kind in GemmTestData.SupportedKernels())
        {
            using var compute = new CpuCompute(1, kind);
            var packed = compute.Pack(false, depth, n, xh);
            foreach (var accumulate in new[] { false, true })
            {
                var expected = (float[])c0.Clone();
                compute.GemmLaneMajorA(zeroed.Pointer, units, steps, stepStride, packed, expected, accumulate);
                var actual = (float[])c0.Clone();
                fixed (int* pl = lanes)
                    compute.GemmLaneMajorA(garbage.Pointer, units, steps, stepStride, packed, actual, accumulate, pl);
                GemmTestData.AssertBitIdentical(expected, actual, $"{steps} steps, {units}×{n}, {kind}, accumulate={accumulate}");
            }
        }
    }

    [Fact]
    public unsafe void LaneMajorGemmRefusesMismatchedShapes()
    {
        using var compute = new CpuCompute(1);
        var blocks = AlignedFloats.Grow(null, 4 * 6 * Lanes);
        var packed = new PackedMatrix(3 * Lanes, 8);
        var depth = Assert.Throws<ArgumentException>(() =>
            compute.GemmLaneMajorA(blocks.Pointer, 6, 4, 6 * Lanes, packed, new float[48], false));
        Assert.Contains("4 steps of 16 lanes are 64", depth.Message);
        var stride = Assert.Throws<ArgumentException>(() =>
            compute.GemmLaneMajorA(blocks.Pointer, 6, 3, 5 * Lanes, packed, new float[48], false));
        Assert.Contains("step stride of at least 96", stride.Message);
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
