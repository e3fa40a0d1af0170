using Rnn.Client.Tests.Support;

namespace Rnn.Client.Tests.Commands;

public class HelpAndUsageTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("train", "--help")]
    [InlineData("golden", "--help")]
    public async Task HelpListsEveryExitCode(params string[] args)
    {
        var run = await CliRun.Of(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Exit codes:", run.Out, StringComparison.Ordinal);
        foreach (var code in new[] { 0, 1, 2, 3, 4, 70, 130 })
        {
            Assert.Contains(run.OutLines, l => l.TrimStart().StartsWith($"{code} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task TrainHelpNamesItsOptions()
    {
        var run = await CliRun.Of("train", "--help");

        foreach (var option in new[] { "--threads", "--out", "--steps", "--quiet", "--json", "--log-every", "--verbose" })
        {
            Assert.Contains(option, run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NoCommandIsAUsageError()
    {
        var run = await CliRun.Of();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("rnn --help", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOptionIsAUsageError()
    {
        var run = await CliRun.Of("golden", RepositoryRoot.GoldenFolder, "--fast");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--fast", run.Error, StringComparison.Ordinal);
    }
}
