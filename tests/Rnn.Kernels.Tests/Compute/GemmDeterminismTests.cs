using Rnn.Kernels.Compute;

namespace Rnn.Kernels.Tests.Compute;

/// <summary>
/// Bit-identical results whatever the thread count, the packing route or where tile edges fall: the determinism
/// contract of DESIGN.md §2 depends on it.
/// </summary>
public class GemmDeterminismTests
{
    public static TheoryData<int, int, int, bool, bool> Shapes() => new()
    {
        { 64, 512, 128, false, true },  // recurrent step h·W_hhᵀ
        { 448, 512, 28, false, true },  // input projection over a window (T·B rows)
        { 512, 128, 448, true, false }, // weight gradient dGatesᵀ·H over a window
        { 128, 448, 512, false, false }, // hidden gradient
        { 17, 33, 65, true, true },
        { 127, 65, 300, false, false },
        { 1, 127, 33, true, false },
        { 65, 1, 17, false, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OneTwoAndThreeThreadsGiveTheSameBits(int m, int n, int k, bool transA, bool transB)
    {
        var a = GemmTestData.Random(11, m * k);
        var b = GemmTestData.Random(12, k * n);
        var c0 = GemmTestData.Random(13, m * n);
        foreach (var accumulate in new[] { false, true })
        {
            float[]? expected = null;
            foreach (var threads in new[] { 1, 2, 3 })
            {
                using var compute = new CpuCompute(threads);
                var c = GemmTestData.Run(compute, transA, transB, m, n, k, a, b, c0, accumulate);
                if (expected == null) expected = c;
                else GemmTestData.AssertBitIdentical(expected, c, $"{threads} threads vs 1, accumulate={accumulate}");
            }
        }
    }

    [Fact]
    public void EveryKernelKindIsThreadCountIndependent()
    {
        const int m = 70, n = 90, k = 300;
        var a = GemmTestData.Random(21, m * k);
        var b = GemmTestData.Random(22, k * n);
        var c0 = GemmTestData.Random(23, m * n);
        foreach (var kind in GemmTestData.SupportedKernels())
        {
            using var one = new CpuCompute(1, kind);
            using var three = new CpuCompute(3, kind);
            var expected = GemmTestData.Run(one, true, false, m, n, k, a, b, c0, accumulate: true);
            var actual = GemmTestData.Run(three, true, false, m, n, k, a, b, c0, accumulate: true);
            GemmTestData.AssertBitIdentical(expected, actual, kind.ToString());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PrepackedBGivesTheSameBitsAsUnpacked(bool transB)
    {
        const int m = 64, n = 200, k = 300;
        var a = GemmTestData.Random(31, m * k);
        var b = GemmTestData.Random(32, k * n);
        var c0 = GemmTestData.Random(33, m * n);
        using var compute = new CpuCompute(2);
        var packed = compute.Pack(transB, k, n, b);
        Assert.Equal(k, packed.K);
        Assert.Equal(n, packed.N);
        foreach (var transA in new[] { false, true })
        {
            foreach (var accumulate in new[] { false, true })
            {
                var expected = GemmTestData.Run(compute, transA, transB, m, n, k, a, b, c0, accumulate);
                var c = (float[])c0.Clone();
                compute.Gemm(transA, m, a, packed, c, accumulate);
                GemmTestData.AssertBitIdentical(expected, c, $"prepacked transA={transA} accumulate={accumulate}");
            }
        }
    }

    [Fact]
    public void RepackingUpdatesThePackedValuesInPlace()
    {
        const int m = 8, n = 40, k = 30;
        var a = GemmTestData.Random(41, m * k);
        var b1 = GemmTestData.Random(42, k * n);
        var b2 = GemmTestData.Random(43, k * n);
        using var compute = new CpuCompute(2);
        var packed = compute.Pack(true, k, n, b1);
        compute.Pack(true, b2, packed);
        var c = new float[m * n];
        compute.Gemm(false, m, a, packed, c, accumulate: false);
        var expected = GemmTestData.Run(compute, false, true, m, n, k, a, b2, new float[m * n], accumulate: false);
        GemmTestData.AssertBitIdentical(expected, c, "repacked");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ARowDoesNotDependOnHowManyRowsAreComputed(bool transA)
    {
        // 64 rows end in a four-row panel, 66 in a full one, 61 in a partial one: the shared rows must agree, so a
        // sample's result never depends on the batch it is in.
        const int n = 48, k = 300;
        var b = GemmTestData.Random(51, k * n);
        var full = GemmTestData.Random(52, 66 * k);
        using var compute = new CpuCompute(2);
        var reference = Compute(compute, transA, 66, n, k, full, b);
        foreach (var m in new[] { 64, 61, 4, 1 })
        {
            var rows = Compute(compute, transA, m, n, k, TakeRows(full, transA, 66, m, k), b);
            GemmTestData.AssertBitIdentical(reference[..(m * n)], rows, $"first {m} of 66 rows");
        }
    }

    [Fact]
    public void AColumnDoesNotDependOnHowManyColumnsAreComputed()
    {
        const int m = 20, k = 100;
        var a = GemmTestData.Random(61, m * k);
        var wide = GemmTestData.Random(62, k * 48);
        using var compute = new CpuCompute(2);
        var reference = Compute(compute, false, m, 48, k, a, wide);
        foreach (var n in new[] { 17, 16, 5 })
        {
            var narrow = new float[k * n];
            for (var p = 0; p < k; p++) Array.Copy(wide, p * 48, narrow, p * n, n);
            var c = Compute(compute, false, m, n, k, a, narrow);
            for (var i = 0; i < m; i++)
                GemmTestData.AssertBitIdentical(reference[(i * 48)..(i * 48 + n)], c[(i * n)..(i * n + n)], $"n={n}");
        }
    }

    private static float[] Compute(CpuCompute compute, bool transA, int m, int n, int k, float[] a, float[] b) =>
        GemmTestData.Run(compute, transA, false, m, n, k, a, b, new float[m * n], accumulate: false);

    private static float[] TakeRows(float[] a, bool transA, int m, int rows, int k)
    {
        var taken = new float[rows * k];
        for (var i = 0; i < rows; i++)
            for (var p = 0; p < k; p++)
                taken[transA ? p * rows + i : i * k + p] = transA ? a[p * m + i] : a[i * k + p];
        return taken;
    }
}
