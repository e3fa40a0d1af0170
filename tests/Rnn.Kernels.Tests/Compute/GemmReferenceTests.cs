using Rnn.Kernels.Compute;

namespace Rnn.Kernels.Tests.Compute;

/// <summary>
/// The GEMM against a double-precision reference on odd shapes, all transposes, both accumulate modes.
/// </summary>
public class GemmReferenceTests
{
    private static readonly int[] OddSizes = [1, 3, 17, 33, 65, 127];

    public static TheoryData<int, int, int> OddShapes()
    {
        // Every odd size appears in every role; the rotation keeps the set small but mixes large and small.
        var data = new TheoryData<int, int, int>();
        for (var i = 0; i < OddSizes.Length; i++)
        {
            data.Add(OddSizes[i], OddSizes[(i + 2) % OddSizes.Length], OddSizes[(i + 4) % OddSizes.Length]);
            data.Add(OddSizes[i], OddSizes[(i + 3) % OddSizes.Length], OddSizes[(i + 1) % OddSizes.Length]);
        }
        return data;
    }

    public static TheoryData<int, int, int> BlockingShapes() => new()
    {
        { 4, 16, 8 },      // the 4-row kernel on a full-width tile
        { 5, 31, 9 },      // 5 rows (6-row kernel into scratch), column tail
        { 64, 512, 128 },  // recurrent step: 10 six-row panels + one four-row panel
        { 66, 48, 300 },   // two depth blocks, the second short
        { 13, 40, 513 },   // three depth blocks
        { 200, 300, 20 },  // several tiles in both directions
        { 1, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void OddShapesMatchTheReference(int m, int n, int k) => CheckAllLayouts(m, n, k, threads: 2);

    [Theory]
    [MemberData(nameof(BlockingShapes))]
    public void BlockingEdgesMatchTheReference(int m, int n, int k) => CheckAllLayouts(m, n, k, threads: 3);

    [Fact]
    public void EveryKernelKindMatchesTheReference()
    {
        foreach (var kind in GemmTestData.SupportedKernels())
        {
            using var compute = new CpuCompute(2, kind);
            foreach (var (m, n, k) in new[] { (17, 33, 65), (64, 48, 300), (4, 16, 7), (127, 3, 17) })
                CheckAllLayouts(compute, m, n, k);
        }
    }

    [Fact]
    public void ZeroDepthClearsOrKeepsC()
    {
        using var compute = new CpuCompute(2);
        var c = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
        compute.Gemm(false, false, 2, 3, 0, [], [], c, accumulate: true);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, c);
        compute.Gemm(false, false, 2, 3, 0, [], [], c, accumulate: false);
        Assert.All(c, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void EmptyOutputDoesNothing()
    {
        using var compute = new CpuCompute(2);
        compute.Gemm(true, true, 0, 5, 3, [], new float[15], [], accumulate: false);
        compute.Gemm(false, false, 5, 0, 3, new float[15], [], [], accumulate: false);
    }

    [Fact]
    public void OnlyTheFirstMTimesNElementsOfCAreTouched()
    {
        using var compute = new CpuCompute(2);
        var a = GemmTestData.Random(1, 3 * 4);
        var b = GemmTestData.Random(2, 4 * 5);
        var c = Enumerable.Repeat(7f, 3 * 5 + 4).ToArray();
        compute.Gemm(false, false, 3, 5, 4, a, b, c, accumulate: false);
        Assert.All(c[15..], x => Assert.Equal(7f, x));
    }

    private static void CheckAllLayouts(int m, int n, int k, int threads)
    {
        using var compute = new CpuCompute(threads);
        CheckAllLayouts(compute, m, n, k);
    }

    private static void CheckAllLayouts(CpuCompute compute, int m, int n, int k)
    {
        var a = GemmTestData.Random((ulong)(m * 1000 + k), m * k);
        var b = GemmTestData.Random((ulong)(n * 1000 + k + 7), k * n);
        var c0 = GemmTestData.Random((ulong)(m * n + 3), m * n);
        foreach (var transA in new[] { false, true })
        {
            foreach (var transB in new[] { false, true })
            {
                foreach (var accumulate in new[] { false, true })
                {
                    var c = GemmTestData.Run(compute, transA, transB, m, n, k, a, b, c0, accumulate);
                    GemmTestData.AssertMatchesReference(transA, transB, m, n, k, a, b, c0, c, accumulate);
                }
            }
        }
    }
}
