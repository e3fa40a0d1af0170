using Rnn.Contracts.Messages;
using Rnn.Silo.Jobs;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;
using Rnn.Silo.Hosting;
using Rnn.Training.Runs;

namespace Rnn.Silo.Tests;

/// <summary>Runs are kept: a new run of a name moves the one before it into earlier/&lt;run id&gt;/ and deletes nothing.</summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rnn-runfolder-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void RerunKeepsTheEarlierRunsFilesAndHashAndListsBoth()
    {
        var json = TestJobs.Mnist(shards: 1, steps: 2, name: "kept");
        var job = JobResolver.Resolve(JobSpecParser.Parse(json, "test job"), jobFileDirectory: null);
        var folder = RunFolder.For(_root, "kept");
        folder.StartNewRun(json, job, new RunInfo("job-a", "run0000000000000000000000000000a", 0, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Directory.CreateDirectory(folder.CheckpointFolder);
        File.WriteAllText(Path.Combine(folder.CheckpointFolder, "manifest.json"), "{}");
        File.WriteAllBytes(folder.ModelFile, [1, 2, 3, 4]);
        Summary("a1").Write(folder.SummaryFile);
        folder.WriteOutcome(new RunOutcome(JobState.Completed, 2, null));

        folder.StartNewRun(json, job, new RunInfo("job-b", "run0000000000000000000000000000b", 0, new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc)));

        var earlier = Assert.Single(folder.EarlierRuns());
        Assert.Equal(Path.Combine(folder.Path, "earlier", "run0000000000000000000000000000a"), earlier.Path);
        Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(earlier.ModelFile));
        Assert.Equal("a1", RunSummary.Read(earlier.SummaryFile).ParametersSha256);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(earlier.CheckpointFolder, "manifest.json")));
        Assert.Equal("job-a", earlier.ReadRunInfo()!.JobId);
        Assert.Equal(json, File.ReadAllText(earlier.JobFile));
        // The new run starts empty, and each job's files are found where they now are.
        Assert.False(File.Exists(folder.ModelFile));
        Assert.False(folder.HasCheckpoint);
        Assert.Equal("job-b", folder.ReadRunInfo()!.JobId);
        Assert.Equal(earlier.Path, folder.RunOf("job-a")!.Path);
        Assert.Equal(folder.Path, folder.RunOf("job-b")!.Path);
        Assert.Null(folder.RunOf("job-c"));

        var runs = RunListing.Scan(_root);
        Assert.Equal(2, runs.Count);
        Assert.Equal(("kept", "run0000000000000000000000000000a", "completed", (long?)2, "a1", false),
            (runs[0].Name, runs[0].RunId, runs[0].State, runs[0].Steps, runs[0].ParametersSha256, runs[0].Latest));
        Assert.Equal(("kept", "run0000000000000000000000000000b", "unfinished", (long?)null, (string?)null, true),
            (runs[1].Name, runs[1].RunId, runs[1].State, runs[1].Steps, runs[1].ParametersSha256, runs[1].Latest));
    }

    [Fact]
    public void ThirdRunKeepsBothEarlierRunsOldestFirst()
    {
        var json = TestJobs.Mnist(shards: 1, steps: 2, name: "thrice");
        var job = JobResolver.Resolve(JobSpecParser.Parse(json, "test job"), jobFileDirectory: null);
        var folder = RunFolder.For(_root, "thrice");
        for (var i = 0; i < 3; i++)
        {
            folder.StartNewRun(json, job, new RunInfo($"job-{i}", $"run{i}", 0, new DateTime(2026, 1, 1 + i, 0, 0, 0, DateTimeKind.Utc)));
            File.WriteAllText(folder.MetricsFile, $"metrics of run {i}");
        }

        Assert.Equal(["metrics of run 0", "metrics of run 1"], folder.EarlierRuns().Select(f => File.ReadAllText(f.MetricsFile)));
        Assert.Equal("metrics of run 2", File.ReadAllText(folder.MetricsFile));
        Assert.Equal(["run0", "run1", "run2"], RunListing.Scan(_root).Select(r => r.RunId));
    }

    private static RunSummary Summary(string hash) =>
        new("kept", 2, 0.25, 1, 100, 0.5, new Dictionary<string, double> { ["accuracy"] = 0.5 }, hash, 10, 1, 0);
}
