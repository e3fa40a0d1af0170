using Rnn.Kernels.Compute;

namespace Rnn.Kernels.Tests.Compute;

/// <summary>
/// The 512-bit FMA kernel gives exactly the bits of the 256-bit one, so machines with and without AVX-512 agree: the
/// ordinary GEMM (paired 12-row tiles, 16- and 20-row tiles, lone 6- and 4-row panels, column edges, two depth blocks), the lane product of
/// the recurrent layers and the lane-major weight-gradient GEMM. On a CPU without AVX-512 there is nothing to compare
/// and the checks are skipped (the child-process test in InstructionSets covers the whole stack there too).
/// </summary>
public unsafe class WideKernelBitsTests
{
    private const int Lanes = LaneTranspose.Lanes;

    [Theory]
    [InlineData(64, 40, 300, false, false)] // four 12-row tiles and a 16-row one
    [InlineData(16, 100, 300, false, true)]  // one 16-row tile, as a GRU piece's step
    [InlineData(44, 40, 300, false, false)]  // two 12-row tiles and a 20-row one
    [InlineData(70, 90, 300, true, false)]
    [InlineData(13, 17, 5, false, true)]
    [InlineData(30, 2048, 64, true, true)]
    public void Fma512GemmHasTheBitsOfTheFmaGemm(int m, int n, int k, bool transA, bool transB)
    {
        if (!GemmMicroKernel.IsSupported(GemmKernelKind.Fma512)) return;
        var a = GemmTestData.Random(61, m * k);
        var b = GemmTestData.Random(62, k * n);
        var c0 = GemmTestData.Random(63, m * n);
        using var narrow = new CpuCompute(2, GemmKernelKind.Fma);
        using var wide = new CpuCompute(2, GemmKernelKind.Fma512);
        foreach (var accumulate in new[] { false, true })
        {
            var expected = GemmTestData.Run(narrow, transA, transB, m, n, k, a, b, c0, accumulate);
            var actual = GemmTestData.Run(wide, transA, transB, m, n, k, a, b, c0, accumulate);
            GemmTestData.AssertBitIdentical(expected, actual, $"{m}×{n}×{k}, accumulate={accumulate}");
        }
    }

    [Theory]
    [InlineData(512, 160)] // LSTM-128 forward: 41 pairs of panels and a 20-row tile (three panels and two rows)
    [InlineData(128, 512)] // its backward without dx: 9 pairs and a 20-row tile, two depth blocks
    [InlineData(90, 300)]  // fifteen panels: seven pairs and a lone one, two depth blocks
    public void Fma512LaneProductHasTheBitsOfTheFmaOne(int m, int k)
    {
        if (!GemmMicroKernel.IsSupported(GemmKernelKind.Fma512)) return;
        var a = GemmTestData.Random(71, m * k);
        var block = AlignedFloats.Grow(null, k * Lanes);
        GemmTestData.Random(72, k * Lanes).CopyTo(block.Span);
        var results = new List<float[]>();
        foreach (var kind in new[] { GemmKernelKind.Fma, GemmKernelKind.Fma512 })
        {
            using var compute = new CpuCompute(1, kind);
            var panels = compute.PackPanels(false, m, k, a);
            var c = new float[m * Lanes];
            fixed (float* pc = c) compute.MultiplyLanes(panels, m, block.Pointer, pc);
            results.Add(c);
        }
        GemmTestData.AssertBitIdentical(results[0], results[1], $"{m}×{k}");
    }

    [Theory]
    [InlineData(20, 103, 37)] // bands of 96 rows (eight pairs), a 7-row rest, a 5-column edge, two depth blocks
    [InlineData(3, 30, 48)]   // two pairs and a lone 6-row panel
    public void Fma512LaneMajorGemmHasTheBitsOfTheFmaOne(int steps, int units, int n)
    {
        if (!GemmMicroKernel.IsSupported(GemmKernelKind.Fma512)) return;
        var depth = steps * Lanes;
        var stepStride = units * Lanes;
        var blocks = AlignedFloats.Grow(null, steps * stepStride);
        GemmTestData.Random(81, steps * stepStride).CopyTo(blocks.Span);
        var xh = GemmTestData.Random(82, depth * n);
        var c0 = GemmTestData.Random(83, units * n);
        var results = new List<float[]>();
        foreach (var kind in new[] { GemmKernelKind.Fma, GemmKernelKind.Fma512 })
        {
            using var compute = new CpuCompute(1, kind);
            var packed = compute.Pack(false, depth, n, xh);
            var c = (float[])c0.Clone();
            compute.GemmLaneMajorA(blocks.Pointer, units, steps, stepStride, packed, c, accumulate: true);
            results.Add(c);
        }
        GemmTestData.AssertBitIdentical(results[0], results[1], $"{steps} steps, {units}×{n}");
    }
}
