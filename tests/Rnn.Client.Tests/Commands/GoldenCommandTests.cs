using Rnn.Client.Tests.Support;

namespace Rnn.Client.Tests.Commands;

public class GoldenCommandTests
{
    private const string GoodCase = "layer_lstm_T5_B3_I4_H6_L1.safetensors";

    [Fact]
    public async Task AllLibtorchCasesPass()
    {
        var run = await CliRun.Of("golden", RepositoryRoot.GoldenFolder, "--threads", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.OutLines;
        Assert.Equal(10, lines.Length);
        Assert.All(lines[..9], l => Assert.StartsWith("PASS ", l, StringComparison.Ordinal));
        Assert.Equal("golden: 9 passed, 0 failed", lines[^1]);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task AllLibtorchCasesPassOnTheIlgpuCpuAccelerator()
    {
        var run = await CliRun.Of("golden", RepositoryRoot.GoldenFolder, "--backend", "ilgpu-cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("golden: 9 passed, 0 failed", run.OutLines[^1]);
    }

    [Fact]
    public async Task CasesRunInFileNameOrder()
    {
        var run = await CliRun.Of("golden", RepositoryRoot.GoldenFolder);

        var names = run.OutLines[..9].Select(l => l.Split(' ')[1]).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task CorruptFileFailsWithItsReasonAndTheRunGoesOn()
    {
        using var folder = new TemporaryFolder();
        File.Copy(Path.Combine(RepositoryRoot.GoldenFolder, GoodCase), folder.File("b_good.safetensors"));
        folder.WriteText("a_corrupt.safetensors", "this is not a safetensors file");

        var run = await CliRun.Of("golden", folder.Path);

        Assert.True(run.ExitCode == 1, run.ToString());
        var lines = run.OutLines;
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("FAIL a_corrupt.safetensors: ", lines[0], StringComparison.Ordinal);
        Assert.True(lines[0].Length > "FAIL a_corrupt.safetensors: ".Length + 10, $"no reason given: {lines[0]}");
        Assert.StartsWith("PASS b_good.safetensors", lines[1], StringComparison.Ordinal);
        Assert.Equal("golden: 1 passed, 1 failed", lines[2]);
    }

    [Fact]
    public async Task MissingFolderIsAUsageErrorNamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "rnn-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var run = await CliRun.Of("golden", missing);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(missing, run.Error, StringComparison.Ordinal);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task FolderWithoutCasesIsAUsageError()
    {
        using var folder = new TemporaryFolder();
        folder.WriteText("notes.txt", "no cases here");

        var run = await CliRun.Of("golden", folder.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no *.safetensors files", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("golden: 0 passed", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileInsteadOfAFolderIsAUsageError()
    {
        var run = await CliRun.Of("golden", Path.Combine(RepositoryRoot.GoldenFolder, GoodCase));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is a file", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CpuBackendIsAccepted()
    {
        using var folder = new TemporaryFolder();
        File.Copy(Path.Combine(RepositoryRoot.GoldenFolder, GoodCase), folder.File(GoodCase));

        var run = await CliRun.Of("golden", folder.Path, "--backend", "cpu", "--threads", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("golden: 1 passed, 0 failed", run.OutLines[^1]);
    }

    [Fact]
    public async Task UnknownBackendListsTheKnownOnes()
    {
        var run = await CliRun.Of("golden", RepositoryRoot.GoldenFolder, "--backend", "opencl");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown backend 'opencl'", run.Error, StringComparison.Ordinal);
        Assert.Contains("known backends: cpu, ilgpu-cpu, cuda", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("many")]
    public async Task BadThreadCountIsAUsageError(string threads)
    {
        var run = await CliRun.Of("golden", RepositoryRoot.GoldenFolder, "--threads", threads);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--threads", run.Error, StringComparison.Ordinal);
        Assert.Contains("rnn golden --help", run.Error, StringComparison.Ordinal);
    }
}
