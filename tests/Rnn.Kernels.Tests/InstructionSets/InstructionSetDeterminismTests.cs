using System.Diagnostics;

namespace Rnn.Kernels.Tests.InstructionSets;

/// <summary>
/// The determinism contract across instruction sets: a process without AVX-512 (DOTNET_EnableAVX512F=0) computes
/// GEMMs, layers and short trainings to the same bits as this one, which uses the 512-bit kernels where the CPU has
/// them. On a CPU without AVX-512 both sides run the 256-bit kernels and the test checks only that they agree.
/// </summary>
public sealed class InstructionSetDeterminismTests
{
    [Fact]
    public async Task ProcessWithoutAvx512GivesTheSameBitsAsThisOne()
    {
        var child = await RunChildAsync();
        var here = InstructionSetFingerprint.Compute();

        Assert.StartsWith("isa avx2 vector512 False", child[0], StringComparison.Ordinal);
        Assert.Equal(here.Count, child.Count);
        for (var i = 1; i < here.Count; i++) Assert.Equal(here[i], child[i]);
    }

    private static async Task<IReadOnlyList<string>> RunChildAsync()
    {
        var assembly = typeof(InstructionSetFingerprint).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly, InstructionSetFingerprint.ChildArgument },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // Both spellings: .NET 8/9 read the first, .NET 10 folds the AVX-512 subsets into the second.
        start.Environment["DOTNET_EnableAVX512F"] = "0";
        start.Environment["DOTNET_EnableAVX512"] = "0";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"the child exited with {process.ExitCode}: {await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
