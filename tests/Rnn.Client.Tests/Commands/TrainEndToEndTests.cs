using System.Text.Json.Nodes;
using Rnn.Client.Tests.Support;
using Rnn.Kernels.Serialization;

namespace Rnn.Client.Tests.Commands;

/// <summary>The real train command on the kernels' trainer and real MNIST data (a tiny job: a few seconds).</summary>
public sealed class TrainEndToEndTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task TinyMnistJobTrainsAndWritesTheRunFolder()
    {
        var output = _folder.File("run");

        var run = await CliRun.Of("train", TestJobs.Write(_folder, TestJobs.TinyMnist()), "--out", output, "--threads", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Error);
        var lines = run.OutLines;
        Assert.Equal(5, lines.Count(l => l.StartsWith("step ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("eval after step 5: accuracy ", StringComparison.Ordinal));
        Assert.StartsWith("done: 5/5 steps", lines[^2], StringComparison.Ordinal);
        Assert.Equal($"wrote {output}: model.safetensors, metrics.csv, summary.json", lines[^1]);

        var model = SafetensorsFile.Read(Path.Combine(output, "model.safetensors"));
        Assert.Equal([64, 28], model["weight_ih_l0"].Shape);
        Assert.Equal("5", model.Metadata["step"]);
        var metrics = File.ReadAllLines(Path.Combine(output, "metrics.csv"));
        Assert.Equal(6, metrics.Length);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!;
        Assert.Equal("tiny-mnist", (string?)summary["job"]);
        Assert.Equal(5, (long?)summary["steps"]);
        Assert.InRange((double)summary["test"]!["accuracy"]!, 0, 1);
    }

    [Fact]
    public async Task JsonRunEndsWithASummaryListingTheFiles()
    {
        var output = _folder.File("run");

        var run = await CliRun.Of("train", TestJobs.Write(_folder, TestJobs.TinyMnist()), "--out", output, "--json", "--steps", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        var events = run.OutLines.Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(2, events.Count(e => (string?)e["event"] == "step"));
        var summary = events[^1];
        Assert.Equal("completed", (string?)summary["status"]);
        Assert.Equal(2, (long?)summary["steps"]);
        Assert.All(summary["files"]!.AsArray(), f => Assert.True(File.Exists((string?)f)));
    }

    [Fact]
    public async Task MissingDataFolderExits3NamingDataPathAndWritesNothing()
    {
        var job = TestJobs.TinyMnist();
        job["data"]!["path"] = _folder.File("no-mnist-here");
        var output = _folder.File("run");

        var run = await CliRun.Of("train", TestJobs.Write(_folder, job), "--out", output);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("data.path", run.Error, StringComparison.Ordinal);
        Assert.Contains("no-mnist-here", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task CorruptDataFileExits4NamingTheFile()
    {
        var data = Directory.CreateDirectory(_folder.File("mnist")).FullName;
        foreach (var file in Directory.GetFiles(RepositoryRoot.MnistFolder))
        {
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        }
        var broken = Path.Combine(data, "train-labels-idx1-ubyte.gz");
        File.WriteAllBytes(broken, [0x1f, 0x8b, 0x08, 0x00, 0x01]);
        var job = TestJobs.TinyMnist();
        job["data"]!["path"] = data;

        var run = await CliRun.Of("train", TestJobs.Write(_folder, job), "--out", _folder.File("run"));

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("train-labels-idx1-ubyte.gz", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }
}
