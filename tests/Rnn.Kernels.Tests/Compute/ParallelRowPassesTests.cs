using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Compute;

/// <summary>
/// The window's bias fill and bias-gradient sums split over threads give the bits of the serial passes, for 1, 2 and
/// 3 threads, above the size where they go parallel (700 × 200) and below it.
/// </summary>
public class ParallelRowPassesTests
{
    [Theory]
    [InlineData(700, 200)] // 140,000 floats: two column pieces of 128 and 72, eleven row blocks
    [InlineData(30, 20)]   // 600 floats: on the caller's thread
    public void ColumnSumsHaveTheBitsOfTheSerialSums(int rows, int cols)
    {
        var m = GemmTestData.Random(91, rows * cols);
        var start = GemmTestData.Random(92, cols);
        var expected = (float[])start.Clone();
        ElementwiseSum.AddRows(m, rows, cols, expected);
        foreach (var threads in new[] { 1, 2, 3 })
        {
            using var compute = new CpuCompute(threads);
            var actual = (float[])start.Clone();
            new ParallelRowPasses(compute).AddRows(m, rows, cols, actual);
            GemmTestData.AssertBitIdentical(expected, actual, $"{threads} threads");
        }
    }

    [Theory]
    [InlineData(700, 200)]
    [InlineData(30, 20)]
    public void FillCopiesTheRowIntoEveryRow(int rows, int cols)
    {
        var row = GemmTestData.Random(93, cols);
        using var compute = new CpuCompute(2);
        var destination = new float[rows * cols + 1];
        destination[^1] = 7f;
        new ParallelRowPasses(compute).FillRows(row, destination, rows);
        for (var r = 0; r < rows; r++) GemmTestData.AssertBitIdentical(row, destination[(r * cols)..((r + 1) * cols)], $"row {r}");
        Assert.Equal(7f, destination[^1]);
    }
}
