using Rnn.Harness.Golden;
using Xunit.Abstractions;

namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>Every libtorch golden case, run through the ILGPU kernels on ILGPU's CPU accelerator.</summary>
[Collection(IlgpuCpuCollection.Name)]
public class IlgpuGoldenCaseTests(IlgpuCpuFixture fixture, ITestOutputHelper output)
{
    private static readonly string GoldenFolder = GoldenCaseFiles.Folder;

    public static TheoryData<string> Cases() => GoldenCaseFiles.Names();

    public static TheoryData<string> CasesV2() => GoldenCaseFiles.NamesV2();

    [Fact]
    public void AllNineCasesAreFound() => Assert.Equal(9, Cases().Count);

    [Fact]
    public void AllFifteenBidirectionalAndPackedCasesAreFound() => Assert.Equal(15, CasesV2().Count);

    [Theory]
    [MemberData(nameof(CasesV2))]
    public void IlgpuKernelsMatchLibtorchPackedAndBidirectional(string file)
    {
        var runner = new GoldenCaseRunner(fixture.Backend);
        var result = runner.Run(Path.Combine(GoldenCaseFiles.FolderV2, file));
        output.WriteLine(result.Summary());
        Assert.True(result.Passed, result.Summary());
        if (file.Contains("_bi", StringComparison.Ordinal))
            Assert.Contains(result.Comparisons, c => c.Name == "dweight_hh_l0_reverse");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void IlgpuKernelsMatchLibtorch(string file)
    {
        var runner = new GoldenCaseRunner(fixture.Backend);
        var result = runner.Run(Path.Combine(GoldenFolder, file));
        output.WriteLine(result.Summary());
        Assert.True(result.Passed, result.Summary());
        Assert.Equal("ilgpu-cpu", runner.BackendName);
        var names = result.Comparisons.Select(c => c.Name).ToArray();
        if (file.StartsWith("layer_", StringComparison.Ordinal))
        {
            Assert.Contains("y", names);
            Assert.Contains("dx", names);
            Assert.Contains("dh0", names);
            Assert.Contains(names, n => n.StartsWith("dweight_hh_l", StringComparison.Ordinal));
            if (file.Contains("lstm", StringComparison.Ordinal)) Assert.Contains("dc0", names);
        }
        else
        {
            Assert.Contains("logits", names);
            Assert.Contains("loss", names);
            Assert.Contains("ddense.weight", names);
            Assert.Contains("adam1.dense.weight", names);
        }
    }
}
