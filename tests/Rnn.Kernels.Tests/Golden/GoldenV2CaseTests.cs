using Rnn.Kernels.Compute;
using Rnn.Harness.Golden;

namespace Rnn.Kernels.Tests.Golden;

/// <summary>
/// The second libtorch set: bidirectional stacks, packed (variable-length) stacks and models with lengths, every
/// output, state, gradient and the Adam step within 1e-5 (golden-v2/README.md).
/// </summary>
public class GoldenV2CaseTests
{
    public static TheoryData<string> Cases() => GoldenCaseFiles.NamesV2();

    [Fact]
    public void AllFifteenBidirectionalAndPackedCasesAreCopiedIntoTheRepository() => Assert.Equal(15, Cases().Count);

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelsMatchLibtorchPackedAndBidirectional(string file)
    {
        using var compute = new CpuCompute(1);
        var result = new GoldenCaseRunner(compute).Run(Path.Combine(GoldenCaseFiles.FolderV2, file));
        Assert.True(result.Passed, result.Summary());
        var names = result.Comparisons.Select(c => c.Name).ToArray();
        if (file.Contains("_bi", StringComparison.Ordinal))
        {
            Assert.Contains("dweight_hh_l0_reverse", names);
            Assert.Contains(" bidirectional", result.Summary());
        }
        if (file.Contains("len_", StringComparison.Ordinal)) Assert.Contains(" lengths", result.Summary());
        Assert.Contains(names, n => n == "dx" || n.StartsWith("adam1.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelsMatchLibtorchPackedAndBidirectionalWithTwoThreads(string file)
    {
        using var compute = new CpuCompute(2);
        var result = new GoldenCaseRunner(compute).Run(Path.Combine(GoldenCaseFiles.FolderV2, file));
        Assert.True(result.Passed, result.Summary());
    }

    [Fact]
    public void LengthOutsideTheWindowIsAClearFailure()
    {
        var folder = Directory.CreateTempSubdirectory("golden-v2-bad");
        try
        {
            var source = Path.Combine(GoldenCaseFiles.FolderV2, "layer_gru_len_T5_B3_I4_H6_L1.safetensors");
            var bytes = File.ReadAllBytes(source);
            // The lengths tensor's first value (I64) becomes 9 > T = 5.
            var offset = LengthsOffset(bytes);
            BitConverter.GetBytes(9L).CopyTo(bytes, offset);
            var path = Path.Combine(folder.FullName, "bad.safetensors");
            File.WriteAllBytes(path, bytes);
            using var compute = new CpuCompute(1);
            var result = new GoldenCaseRunner(compute).Run(path);
            Assert.False(result.Passed);
            Assert.Contains("tensor 'lengths' gives sample 0 length 9; lengths must be in 1..T = 5", result.Failure);
        }
        finally
        {
            folder.Delete(true);
        }
    }

    /// <summary>Byte offset of the 'lengths' tensor's data: 8 + header length + its data_offsets start.</summary>
    private static int LengthsOffset(byte[] bytes)
    {
        var headerLength = (int)BitConverter.ToInt64(bytes, 0);
        using var header = System.Text.Json.JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var start = header.RootElement.GetProperty("lengths").GetProperty("data_offsets")[0].GetInt32();
        return 8 + headerLength + start;
    }
}
