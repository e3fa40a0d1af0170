using Rnn.Harness.Golden;
using Xunit.Abstractions;

namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>Every libtorch golden case, run through the ILGPU kernels on ILGPU's CPU accelerator.</summary>
[Collection(IlgpuCpuCollection.Name)]
public class IlgpuGoldenCaseTests(IlgpuCpuFixture fixture, ITestOutputHelper output)
{
    private static readonly string GoldenFolder = GoldenCaseFiles.Folder;

    public static TheoryData<string> Cases() => GoldenCaseFiles.Names();

    [Fact]
    public void AllNineCasesAreFound() => Assert.Equal(9, Cases().Count);

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
