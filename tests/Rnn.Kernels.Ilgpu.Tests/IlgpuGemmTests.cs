using Rnn.Kernels.Compute;
using Rnn.Harness.Golden;
using Rnn.Kernels.Tensors;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>The tiled GEMM against the CPU GEMM for every transpose combination, odd sizes and accumulation.</summary>
[Collection(IlgpuCpuCollection.Name)]
public class IlgpuGemmTests(IlgpuCpuFixture fixture)
{
    [Theory]
    [InlineData(false, false, 5, 7, 3, false)]
    [InlineData(false, true, 6, 9, 10, true)]
    [InlineData(true, false, 9, 4, 13, true)]
    [InlineData(true, true, 3, 5, 6, false)]
    [InlineData(false, true, 1, 1, 1, true)]
    [InlineData(false, false, 4, 4, 0, false)]
    public void TiledGemmMatchesCpuGemm(bool transA, bool transB, int m, int n, int k, bool accumulate)
    {
        var a = Random(m * k, 1);
        var b = Random(k * n, 2);
        var expected = Random(m * n, 3);
        var device = fixture.Backend.Device;
        Assert.False(device.Gemm.UsesCuBlas);
        using var da = new DeviceBuffer<float>(device.Accelerator);
        using var db = new DeviceBuffer<float>(device.Accelerator);
        using var dc = new DeviceBuffer<float>(device.Accelerator);
        var c = dc.Upload(expected);
        device.Gemm.Run(transA, transB, m, n, k, da.Upload(a), db.Upload(b), c, accumulate);
        var actual = new float[m * n];
        DeviceCopy.ToHost(c, actual);
        using var compute = new CpuCompute(1);
        compute.Gemm(transA, transB, m, n, k, a, b, expected, accumulate);
        var comparison = TensorComparison.Compare("C", actual, expected);
        Assert.True(comparison.WithinTolerance, $"max abs error {comparison.MaxAbsoluteError:E2}");
    }

    [Fact]
    public void ColumnSumsAddEachColumnsRowsIntoTheSum()
    {
        const int rows = 37, cols = 11;
        var m = Random(rows * cols, 4);
        var sum = Random(cols, 5);
        var expected = new double[cols];
        for (var j = 0; j < cols; j++)
        {
            expected[j] = sum[j];
            for (var r = 0; r < rows; r++) expected[j] += m[r * cols + j];
        }
        var device = fixture.Backend.Device;
        using var dm = new DeviceBuffer<float>(device.Accelerator);
        using var ds = new DeviceBuffer<float>(device.Accelerator);
        var target = ds.Upload(sum);
        device.Gemm.AddColumnSums(dm.Upload(m), target, rows, cols);
        device.Gemm.AddColumnSums(dm.Upload(m), target, 3, cols); // fewer rows later: the ones vector is reused
        for (var j = 0; j < cols; j++)
        {
            for (var r = 0; r < 3; r++) expected[j] += m[r * cols + j];
        }
        var actual = new float[cols];
        DeviceCopy.ToHost(target, actual);
        for (var j = 0; j < cols; j++) Assert.Equal(expected[j], actual[j], 1e-5);
    }

    [Fact]
    public void TileFitsTheCpuAcceleratorsGroups()
    {
        var device = fixture.Backend.Device;
        Assert.True(device.Gemm.Tile * device.Gemm.Tile <= device.Accelerator.MaxNumThreadsPerGroup);
        Assert.Contains("tiled", device.Description, StringComparison.Ordinal);
    }

    private static float[] Random(int length, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++) values[i] = 2f * random.NextFloat() - 1f;
        return values;
    }
}
