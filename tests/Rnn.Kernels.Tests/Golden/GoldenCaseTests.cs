using Rnn.Kernels.Compute;
using Rnn.Harness.Golden;

namespace Rnn.Kernels.Tests.Golden;

public class GoldenCaseTests
{
    private static readonly string GoldenFolder = GoldenCaseFiles.Folder;

    public static TheoryData<string> Cases() => GoldenCaseFiles.Names();

    [Fact]
    public void AllNineLibtorchCasesAreCopiedIntoTheRepository() => Assert.Equal(9, Cases().Count);

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelsMatchLibtorch(string file)
    {
        using var compute = new CpuCompute(1);
        var result = new GoldenCaseRunner(compute).Run(Path.Combine(GoldenFolder, file));
        Assert.True(result.Passed, result.Summary());
        Assert.Contains(result.Comparisons, c => c.Name == "dx" || c.Name.StartsWith("adam1.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelsMatchLibtorchWithTwoThreads(string file)
    {
        using var compute = new CpuCompute(2);
        var result = new GoldenCaseRunner(compute).Run(Path.Combine(GoldenFolder, file));
        Assert.True(result.Passed, result.Summary());
    }

    [Fact]
    public void CaseIsRecognisedByItsMetadataNotItsFileName()
    {
        var folder = Directory.CreateTempSubdirectory("golden-name");
        try
        {
            var misleading = Path.Combine(folder.FullName, "layer_rnn_tanh_T1_B1_I1_H1_L1.safetensors");
            File.Copy(Path.Combine(GoldenFolder, "layer_gru_T7_B2_I3_H5_L2.safetensors"), misleading);
            using var compute = new CpuCompute(1);
            var result = new GoldenCaseRunner(compute).Run(misleading);
            Assert.True(result.Passed, result.Summary());
            Assert.Contains("layer gru T=7 B=2 I=3 H=5 L=2", result.Summary());
        }
        finally
        {
            folder.Delete(true);
        }
    }

    [Fact]
    public void TruncatedCaseFailsWithTheReason()
    {
        var folder = Directory.CreateTempSubdirectory("golden-bad");
        try
        {
            var path = Path.Combine(folder.FullName, "cut.safetensors");
            var bytes = File.ReadAllBytes(Path.Combine(GoldenFolder, "layer_lstm_T5_B3_I4_H6_L1.safetensors"));
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            using var compute = new CpuCompute(1);
            var result = new GoldenCaseRunner(compute).Run(path);
            Assert.False(result.Passed);
            Assert.StartsWith("FAIL cut.safetensors:", result.Summary());
            Assert.Contains("cut.safetensors", result.Failure);
        }
        finally
        {
            folder.Delete(true);
        }
    }

    [Fact]
    public void WrongResultsAreReportedAsFailures()
    {
        var actual = new float[] { 1f, 2f, 3f };
        var expected = new float[] { 1f, 2.001f, 3f };
        var comparison = TensorComparison.Compare("y", actual, expected);
        Assert.False(comparison.WithinTolerance);
        Assert.Equal(0.001, comparison.MaxAbsoluteError, 5);
        Assert.True(TensorComparison.Compare("y", actual, [1f, 2.000001f, 3f]).WithinTolerance);
    }
}
