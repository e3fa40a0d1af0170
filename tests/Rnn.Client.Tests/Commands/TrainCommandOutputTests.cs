using System.Text.Json.Nodes;
using Rnn.Client.Tests.Support;

namespace Rnn.Client.Tests.Commands;

/// <summary>The train command's loop and displays, driven by a scripted run (no data, no compute).</summary>
public sealed class TrainCommandOutputTests : IDisposable
{
    private const char Escape = '\u001b';
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string JobFile() => TestJobs.Write(_folder, TestJobs.TinyMnist());

    [Fact]
    public async Task RedirectedOutputIsPlainLinesWithoutEscapeCodes()
    {
        var scripted = new ScriptedTrainingRun(6, 3);
        var output = _folder.File("run");

        var run = await CliRun.WithRuns(new ScriptedRunFactory(scripted), false, "train", JobFile(), "--out", output);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain(Escape, run.Out);
        var lines = run.OutLines;
        Assert.StartsWith("train tiny-mnist: 6 steps (2 epochs of 3 steps), 1 silo, ", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("step 1/6  epoch 1/2  loss 1.0000  acc 0.1000  lr 1.00e-02", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("step 6/6  epoch 2/2", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("eval after step 3: accuracy 0.5000, loss 0.2500", StringComparison.Ordinal));
        Assert.StartsWith("done: 6/6 steps in ", lines[^3], StringComparison.Ordinal);
        Assert.Contains("test accuracy 0.5000", lines[^3], StringComparison.Ordinal);
        Assert.Equal($"parameters_sha256 {ScriptedTrainingRun.Hash}", lines[^2]);
        var runFolder = Path.Combine(output, "tiny-mnist");
        Assert.Equal($"wrote {runFolder}: summary.txt, curves.png", lines[^1]);
        Assert.Equal("6/6", File.ReadAllText(Path.Combine(runFolder, "summary.txt")));
        Assert.True(scripted.Disposed);
    }

    [Fact]
    public async Task QuietPrintsALineEveryNStepsPlusFirstLastAndEpochEnds()
    {
        var run = await CliRun.WithRuns(new ScriptedRunFactory(new ScriptedTrainingRun(20, 10)), true,
            "train", JobFile(), "--out", _folder.File("run"), "--quiet", "--log-every", "4");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain(Escape, run.Out);
        var steps = run.OutLines.Where(l => l.StartsWith("step ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[1].Split('/')[0]).ToArray();
        Assert.Equal(["1", "4", "8", "10", "12", "16", "20"], steps);
    }

    [Fact]
    public async Task SkippedStepsAreReportedAndCounted()
    {
        var scripted = new ScriptedTrainingRun(4, 4);
        scripted.SkippedSteps.Add(2);

        var run = await CliRun.WithRuns(new ScriptedRunFactory(scripted), false, "train", JobFile(), "--out", _folder.File("run"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.OutLines, l => l == "step 2/4  epoch 1/1  skipped: the gradient is not finite");
        Assert.Contains("1 steps skipped", run.OutLines[^3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonPrintsOneObjectPerLineEndingWithASummary()
    {
        var scripted = new ScriptedTrainingRun(4, 2);
        scripted.SkippedSteps.Add(3);
        var output = _folder.File("run");

        var run = await CliRun.WithRuns(new ScriptedRunFactory(scripted), true, "train", JobFile(), "--out", output, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var events = run.OutLines.Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        Assert.Equal(["start", "step", "step", "eval", "step", "step", "eval"], events[..^1].Select(e => (string?)e["event"]));
        var steps = events.Where(e => (string?)e["event"] == "step").ToArray();
        Assert.Equal([1L, 2, 3, 4], steps.Select(e => (long?)e["step"]));
        Assert.Equal(0.5, (double?)steps[1]["loss"]);
        Assert.Equal(32, (int?)steps[1]["samples"]);
        Assert.Null(steps[2]["loss"]);
        Assert.Equal("the gradient is not finite", (string?)steps[2]["skipped"]);
        Assert.Null(steps[0]["skipped"]);
        var stepElapsed = steps.Select(e => (double?)e["elapsed_seconds"]).ToArray();
        Assert.All(stepElapsed, seconds => Assert.True(seconds >= 0, $"step elapsed_seconds {seconds}"));
        Assert.True(stepElapsed.Zip(stepElapsed.Skip(1)).All(p => p.Second >= p.First), $"step elapsed_seconds went back: {string.Join(", ", stepElapsed)}");
        var elapsed = events.Where(e => (string?)e["event"] == "eval").Select(e => (double?)e["elapsed_seconds"]).ToArray();
        Assert.All(elapsed, seconds => Assert.True(seconds >= 0, $"elapsed_seconds {seconds}"));
        Assert.True(elapsed[1] >= elapsed[0], $"elapsed_seconds went back: {elapsed[0]} then {elapsed[1]}");
        // The silo's time of each step's and evaluation's end, to the microsecond (the script's: steps 10 ms apart).
        Assert.Equal(["2026-12-07T00:00:00.010000Z", "2026-12-07T00:00:00.020000Z", "2026-12-07T00:00:00.030000Z", "2026-12-07T00:00:00.040000Z"],
            steps.Select(e => (string?)e["completed_utc"]));
        Assert.Equal(["2026-12-07T00:00:00.021000Z", "2026-12-07T00:00:00.041000Z"],
            events.Where(e => (string?)e["event"] == "eval").Select(e => (string?)e["completed_utc"]));

        var summary = events[^1];
        Assert.Equal("summary", (string?)summary["event"]);
        Assert.Equal("completed", (string?)summary["status"]);
        Assert.Equal(4, (long?)summary["steps"]);
        Assert.Equal(1, (long?)summary["skipped_steps"]);
        Assert.Equal(0.5, (double?)summary["metrics"]!["accuracy"]);
        Assert.Equal(ScriptedTrainingRun.Hash, (string?)summary["parameters_sha256"]);
        Assert.Equal(Path.Combine(output, "tiny-mnist"), (string?)summary["out"]);
        Assert.Equal([Path.Combine(output, "tiny-mnist", "summary.txt"), Path.Combine(output, "tiny-mnist", "curves.png")], summary["files"]!.AsArray().Select(f => (string?)f));
    }

    [Fact]
    public async Task StepsOptionReplacesTheJobsTrainingLength()
    {
        var runs = new ScriptedRunFactory(new ScriptedTrainingRun(3, 3));

        await CliRun.WithRuns(runs, false, "train", JobFile(), "--out", _folder.File("run"), "--steps", "12", "--threads", "3");

        Assert.Equal(12, runs.Request!.Job.Training.Steps);
        Assert.Null(runs.Request.Job.Training.Epochs);
        // --steps changes the job that runs, not the text kept as the run's job.json (what the user wrote).
        Assert.Contains("\"steps\":5", runs.Request.JobFileText.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(3, runs.Request.Threads);
    }

    [Fact]
    public async Task DefaultRunFolderIsRunsSlashJobName()
    {
        var run = await CliRun.WithRuns(new ScriptedRunFactory(new ScriptedTrainingRun(1, 1)), false, "train", JobFile(), "--json");

        var start = JsonNode.Parse(run.OutLines[0])!;
        Assert.Equal(Path.GetFullPath(Path.Combine("runs", "tiny-mnist")), (string?)start["out"]);
        Directory.Delete(Path.GetFullPath(Path.Combine("runs", "tiny-mnist")), recursive: true);
    }

    [Fact]
    public async Task NoJobFileTrainsTheEmbeddedMainExample()
    {
        var runs = new ScriptedRunFactory(new ScriptedTrainingRun(2, 2));

        var run = await CliRun.WithRuns(runs, false, "train", "--out", _folder.File("runs"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("seq-mnist-lstm", runs.Request!.Job.Name);
        Assert.Null(runs.Request.JobFileDirectory);
        Assert.Equal([128, 64, 10], runs.Request.Job.Model.Layers.Select(l => l.Units));
    }

    [Fact]
    public async Task SilosAndChaosReachTheRequest()
    {
        var runs = new ScriptedRunFactory(new ScriptedTrainingRun(2, 2));

        var run = await CliRun.WithRuns(runs, false, "train", JobFile(), "--out", _folder.File("runs"), "--silos", "3", "--chaos", "kill-silo:2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(3, runs.Request!.Silos);
        Assert.Equal(2, runs.Request.Chaos!.KillSiloAtStep);
    }

    [Theory]
    [InlineData("--chaos", "kill-silo:2")]
    [InlineData("--chaos", "kill-silo:0")]
    [InlineData("--silos", "0")]
    public async Task ChaosWithoutSeveralSilosOrBadValuesAreUsageErrors(string option, string value)
    {
        var run = await CliRun.WithRuns(new ScriptedRunFactory(new ScriptedTrainingRun(2, 2)), false, "train", JobFile(), option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TerminalGetsTheLiveDisplayAndTheSummary()
    {
        var run = await CliRun.WithRuns(new ScriptedRunFactory(new ScriptedTrainingRun(5, 5)), true,
            "train", JobFile(), "--out", _folder.File("run"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("train tiny-mnist", run.Out, StringComparison.Ordinal);
        Assert.Contains("step 5/5", run.Out, StringComparison.Ordinal);
        Assert.Contains("done: 5/5 steps", run.Out, StringComparison.Ordinal);
    }
}
