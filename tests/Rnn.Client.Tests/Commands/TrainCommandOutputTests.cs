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
        Assert.StartsWith("train tiny-mnist: 6 steps (2 epochs of 3 steps)", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("step 1/6  epoch 1/2  loss 1.0000  acc 0.1000  lr 1.00e-02", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("step 6/6  epoch 2/2", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("eval after step 3: accuracy 0.5000, loss 0.2500", StringComparison.Ordinal));
        Assert.StartsWith("done: 6/6 steps in ", lines[^2], StringComparison.Ordinal);
        Assert.Contains("test accuracy 0.5000", lines[^2], StringComparison.Ordinal);
        Assert.Equal($"wrote {output}: summary.txt", lines[^1]);
        Assert.Equal("6/6", File.ReadAllText(Path.Combine(output, "summary.txt")));
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
    public async Task EvaluatesAtEpochEndsAndAfterTheLastStep()
    {
        var scripted = new ScriptedTrainingRun(7, 3);

        await CliRun.WithRuns(new ScriptedRunFactory(scripted), false, "train", JobFile(), "--out", _folder.File("run"));

        Assert.Equal([3L, 6, 7], scripted.EvaluatedAt);
    }

    [Fact]
    public async Task EvalEveryOverridesEpochEnds()
    {
        var job = TestJobs.TinyMnist();
        job["training"]!["eval_every"] = 2;
        var scripted = new ScriptedTrainingRun(5, 3);

        await CliRun.WithRuns(new ScriptedRunFactory(scripted), false,
            "train", TestJobs.Write(_folder, job), "--out", _folder.File("run"));

        Assert.Equal([2L, 4, 5], scripted.EvaluatedAt);
    }

    [Fact]
    public async Task SkippedStepsAreReportedAndCounted()
    {
        var scripted = new ScriptedTrainingRun(4, 4);
        scripted.SkippedSteps.Add(2);

        var run = await CliRun.WithRuns(new ScriptedRunFactory(scripted), false, "train", JobFile(), "--out", _folder.File("run"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.OutLines, l => l == "step 2/4  epoch 1/1  skipped: the gradient is not finite");
        Assert.Contains("1 steps skipped", run.OutLines[^2], StringComparison.Ordinal);
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

        var summary = events[^1];
        Assert.Equal("summary", (string?)summary["event"]);
        Assert.Equal("completed", (string?)summary["status"]);
        Assert.Equal(4, (long?)summary["steps"]);
        Assert.Equal(1, (long?)summary["skipped_steps"]);
        Assert.Equal(0.5, (double?)summary["metrics"]!["accuracy"]);
        Assert.Equal(output, (string?)summary["out"]);
        Assert.Equal([Path.Combine(output, "summary.txt")], summary["files"]!.AsArray().Select(f => (string?)f));
    }

    [Fact]
    public async Task StepsOptionReplacesTheJobsTrainingLength()
    {
        var runs = new ScriptedRunFactory(new ScriptedTrainingRun(3, 3));

        await CliRun.WithRuns(runs, false, "train", JobFile(), "--out", _folder.File("run"), "--steps", "12", "--threads", "3");

        Assert.Equal(12, runs.Job!.Training.Steps);
        Assert.Null(runs.Job.Training.Epochs);
        Assert.Equal(3, runs.Threads);
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
