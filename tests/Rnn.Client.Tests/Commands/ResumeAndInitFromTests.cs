using System.Text.Json.Nodes;
using Rnn.Client.Commands;
using Rnn.Client.Tests.Support;
using Rnn.Client.Training;
using Rnn.Training.Runs;

namespace Rnn.Client.Tests.Commands;

/// <summary>
/// <c>rnn train JOB --resume</c> continues a cancelled run from its checkpoint and ends with the hash of an uninterrupted
/// run; refusals (nothing to resume, a finished run, another job file) exit 3. <c>"init_from"</c> fine-tunes from a
/// finished run's model, and a model that does not fit exits 3 naming each tensor.
/// </summary>
public sealed class ResumeAndInitFromTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static JsonObject Job()
    {
        var job = TestJobs.TinyMnist();
        job["training"]!["steps"] = 300;
        job["training"]!["shards"] = 2;
        job["training"]!["checkpoint_every"] = 5;
        return job;
    }

    [Fact]
    public async Task CancelledRunResumesAndEndsWithTheUninterruptedRunsHash()
    {
        var job = TestJobs.Write(_folder, Job());
        var runs = _folder.File("runs");

        var nothing = await CliRun.Of("train", job, "--out", runs, "--resume");
        Assert.True(nothing.ExitCode == 3, nothing.ToString());
        Assert.Contains("resume: there is no run of job 'tiny-mnist' to resume", nothing.Error, StringComparison.Ordinal);
        Assert.Contains("start a new run without --resume", nothing.Error, StringComparison.Ordinal);

        // Ctrl+C once step 12 is shown: the job stops after the step in progress, with checkpoints every 5 steps.
        using var cancel = new CancellationTokenSource();
        using var stdout = new CancelAtStep(12, cancel);
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["train", job, "--out", runs, "--log-every", "1"], new CliContext(stdout, stderr, false),
            new OrleansTrainingRunFactory(), cancel.Token);
        Assert.True(code == ExitCodes.Interrupted, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal("cancelled", Rnn.Silo.Hosting.RunListing.Scan(runs).Single().State);

        var changed = await CliRun.Of("train", job, "--out", runs, "--resume", "--steps", "200");
        Assert.True(changed.ExitCode == 3, changed.ToString());
        Assert.Contains("training.steps: 300 in the run being resumed", changed.Error, StringComparison.Ordinal);

        var resumed = await CliRun.Of("train", job, "--out", runs, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Matches(@"^train tiny-mnist: 300 steps.*, resuming after step \d+, ", resumed.OutLines[0]);
        var uninterrupted = await CliRun.Of("train", job, "--out", _folder.File("runs-2"));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());
        Assert.Equal(Hash(uninterrupted), Hash(resumed));
        Assert.Equal(Hash(resumed), RunSummary.Read(Path.Combine(runs, "tiny-mnist", "summary.json")).ParametersSha256);
        Assert.Equal(301, File.ReadAllLines(Path.Combine(runs, "tiny-mnist", "metrics.csv")).Length);

        var again = await CliRun.Of("train", job, "--out", runs, "--resume");
        Assert.True(again.ExitCode == 3, again.ToString());
        Assert.Contains("already completed all 300 steps; there is nothing to resume", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitFromAFinishedRunFineTunesToADeterminedHashAndAMisfitIsNamed()
    {
        var runs = _folder.File("runs");
        var baseJob = TestJobs.TinyMnist();
        var trained = await CliRun.Of("train", TestJobs.Write(_folder, baseJob), "--out", runs);
        Assert.True(trained.ExitCode == 0, trained.ToString());

        // Relative to the job file's folder, as data paths are; a run folder stands for its model.safetensors.
        var tuned = TestJobs.TinyMnist();
        tuned["name"] = "tuned";
        tuned["init_from"] = "runs/tiny-mnist";
        tuned["optimizer"]!["lr"] = 0.003;
        var tunedPath = TestJobs.Write(_folder, tuned, "tuned.json");
        var first = await CliRun.Of("train", tunedPath, "--out", _folder.File("tuned-1"));
        var second = await CliRun.Of("train", tunedPath, "--out", _folder.File("tuned-2"));
        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Equal(Hash(first), Hash(second));
        Assert.NotEqual(Hash(trained), Hash(first));

        var misfit = TestJobs.TinyMnist();
        misfit["name"] = "misfit";
        misfit["init_from"] = "runs/tiny-mnist";
        misfit["model"]!["layers"]![0]!["units"] = 20;
        var run = await CliRun.Of("train", TestJobs.Write(_folder, misfit, "misfit.json"), "--out", _folder.File("misfit-runs"));
        Assert.True(run.ExitCode == 3, run.ToString());
        var file = Path.Combine(runs, "tiny-mnist", "model.safetensors");
        Assert.Contains($"init_from: parameter 'weight_ih_l0': the job's model needs shape [80,28], {file} has [64,28]", run.Error, StringComparison.Ordinal);
        Assert.Contains($"init_from: parameter 'dense.weight': the job's model needs shape [10,20], {file} has [10,16]", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.File("misfit-runs")));
    }

    private static string Hash(CliRun run) =>
        run.OutLines.Single(l => l.StartsWith("parameters_sha256 ", StringComparison.Ordinal))["parameters_sha256 ".Length..];

    /// <summary>Standard output that presses Ctrl+C (cancels) once a plain step line at or after <paramref name="step"/> is written.</summary>
    private sealed class CancelAtStep(int step, CancellationTokenSource cancel) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is null || !value.StartsWith("step ", StringComparison.Ordinal)) return;
            var slash = value.IndexOf('/', StringComparison.Ordinal);
            if (slash > 5 && int.TryParse(value.AsSpan(5, slash - 5), out var shown) && shown >= step) cancel.Cancel();
        }
    }
}
