using System.Globalization;
using System.Text.RegularExpressions;
using Rnn.Client.Tests.Support;

namespace Rnn.Client.Tests.Commands;

public class BenchCommandTests
{
    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn")]
    public async Task PrintsTheMedianStepTimeAndThroughput(string cell)
    {
        var run = await CliRun.Of("bench", "--cell", cell, "--input", "5", "--hidden", "8", "--seq", "4", "--batch", "3",
            "--repeats", "3", "--threads", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.OutLines.Length);
        Assert.Matches($@"^bench {cell} I=5 H=8 T=4 B=3 threads=2 backend=cpu: median \d+\.\d\d ms, \d+\.\d GFLOP/s$", run.OutLines[0]);
        // The instruction set it ran and the FMA peak of that width, measured beside it.
        Assert.Matches(@"^isa=avx(512|2): (512|256)-bit FMA peak [\d.]+ GFLOP/s on 1 core, [\d.]+ on 2; this step ran at [\d.]+% of the 2-thread peak$",
            run.OutLines[1]);
    }

    [Fact]
    public async Task RunsOnTheIlgpuCpuAccelerator()
    {
        var run = await CliRun.Of("bench", "--cell", "gru", "--input", "3", "--hidden", "4", "--seq", "2", "--batch", "2",
            "--repeats", "1", "--backend", "ilgpu-cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("backend=ilgpu-cpu: median", run.Out);
    }

    [Fact]
    public async Task UniformLengthsPrintPackedBesidePaddedTimeAndTheLengths()
    {
        var run = await CliRun.Of("bench", "--cell", "lstm", "--input", "5", "--hidden", "8", "--seq", "6", "--batch", "20",
            "--repeats", "1", "--threads", "2", "--lengths", "uniform");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.OutLines.Length);
        var first = Regex.Match(run.OutLines[0], @"^bench lstm I=5 H=8 T=6 B=20 threads=2 backend=cpu lengths=uniform\(1\.\.6, sum (\d+) of 120 steps\): padded median \d+\.\d\d ms, packed median \d+\.\d\d ms, packed \d+\.\d\dx faster$");
        Assert.True(first.Success, run.OutLines[0]);
        // The very lengths timed, longest first, for a reference to run on (scripts/packed-vs-libtorch.sh).
        var second = Regex.Match(run.OutLines[1], @"^lengths \(longest first\): ([0-9,]+)$");
        Assert.True(second.Success, run.OutLines[1]);
        var lengths = second.Groups[1].Value.Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(20, lengths.Length);
        Assert.All(lengths, l => Assert.InRange(l, 1, 6));
        Assert.Equal(lengths.OrderByDescending(l => l), lengths);
        Assert.Equal(int.Parse(first.Groups[1].Value, CultureInfo.InvariantCulture), lengths.Sum());
    }

    [Fact]
    public async Task UnknownLengthsIsAUsageError()
    {
        var run = await CliRun.Of("bench", "--lengths", "random");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("random", run.Error);
    }

    [Fact]
    public async Task SizeOutOfRangeIsAUsageErrorNamingTheOption()
    {
        var run = await CliRun.Of("bench", "--hidden", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--hidden must be between 1 and 65536, got 0", run.Error);
    }

    [Fact]
    public async Task CudaWithoutAGpuIsAUsageErrorThatSaysWhy()
    {
        var run = await CliRun.Of("bench", "--backend", "cuda", "--input", "2", "--hidden", "2", "--seq", "1", "--batch", "1");

        if (run.ExitCode == 0) return; // a machine with a GPU runs it
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--backend cuda:", run.Error);
        Assert.Contains("GPU", run.Error);
    }
}
