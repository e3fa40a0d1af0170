using System.Text.Json.Nodes;
using Rnn.Client.Tests.Support;
using Rnn.Training.Runs;

namespace Rnn.Client.Tests.Commands;

/// <summary>Training a name again keeps the earlier run (moved into earlier/&lt;run id&gt;/), and rnn runs lists both.</summary>
public sealed class RunsCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task RerunKeepsTheEarlierRunsModelAndHashAndRunsListsBoth()
    {
        var runs = _folder.File("runs");
        var job = TestJobs.Write(_folder, TestJobs.TinyMnist());
        var first = await CliRun.Of("train", job, "--out", runs, "--steps", "2");
        Assert.True(first.ExitCode == 0, first.ToString());
        var firstHash = Hash(first);
        var firstModel = File.ReadAllBytes(Path.Combine(runs, "tiny-mnist", "model.safetensors"));

        var second = await CliRun.Of("train", job, "--out", runs, "--steps", "3");
        Assert.True(second.ExitCode == 0, second.ToString());
        var secondHash = Hash(second);
        Assert.NotEqual(firstHash, secondHash);

        var listing = await CliRun.Of("runs", "--out", runs, "--json");
        Assert.True(listing.ExitCode == 0, listing.ToString());
        var rows = listing.OutLines.Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.Equal(("tiny-mnist", "completed", 2L, firstHash, false),
            ((string)rows[0]["name"]!, (string)rows[0]["state"]!, (long)rows[0]["steps"]!, (string)rows[0]["parameters_sha256"]!, (bool)rows[0]["latest"]!));
        Assert.Equal(("tiny-mnist", "completed", 3L, secondHash, true),
            ((string)rows[1]["name"]!, (string)rows[1]["state"]!, (long)rows[1]["steps"]!, (string)rows[1]["parameters_sha256"]!, (bool)rows[1]["latest"]!));
        var earlier = (string)rows[0]["folder"]!;
        Assert.Equal(Path.Combine(runs, "tiny-mnist", "earlier", (string)rows[0]["run_id"]!), earlier);
        Assert.Equal(firstModel, File.ReadAllBytes(Path.Combine(earlier, "model.safetensors")));
        Assert.Equal(firstHash, RunSummary.Read(Path.Combine(earlier, "summary.json")).ParametersSha256);
        Assert.Equal(Path.Combine(runs, "tiny-mnist"), (string)rows[1]["folder"]!);
        Assert.Equal(secondHash, RunSummary.Read(Path.Combine(runs, "tiny-mnist", "summary.json")).ParametersSha256);
    }

    [Fact]
    public async Task AnEmptyRunsFolderSaysSo()
    {
        var run = await CliRun.Of("runs", "--out", _folder.File("none"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"no runs in {_folder.File("none")}", run.Out.Trim());
    }

    private static string Hash(CliRun run) =>
        run.OutLines.Single(l => l.StartsWith("parameters_sha256 ", StringComparison.Ordinal))["parameters_sha256 ".Length..];
}
