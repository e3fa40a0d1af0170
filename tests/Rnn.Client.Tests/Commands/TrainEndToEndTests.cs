using System.Text.Json.Nodes;
using Rnn.Client.Tests.Support;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Steps;
using Rnn.Training.SingleProcess;

namespace Rnn.Client.Tests.Commands;

/// <summary>
/// The real train command through Orleans on real MNIST data (a tiny job): one silo in the test process, or silo
/// processes started from the rnn binary. The parameters must be the single-process Trainer's, bit for bit.
/// </summary>
public sealed class TrainEndToEndTests : IDisposable
{
    private const int Steps = 8;
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static JsonObject Job()
    {
        var job = TestJobs.TinyMnist();
        job["training"]!["steps"] = Steps;
        job["training"]!["shards"] = 4;
        return job;
    }

    [Fact]
    public async Task LocalSiloRunEndsWithTheTrainersParameters()
    {
        var job = Job();

        var run = await CliRun.Of("train", TestJobs.Write(_folder, job), "--out", _folder.File("runs"), "--threads", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Error);
        var lines = run.OutLines;
        Assert.Contains(lines, l => l.StartsWith("step 1/8  epoch 1/1  loss ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("step 8/8  epoch 1/1  loss ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("done: 8/8 steps", StringComparison.Ordinal));
        Assert.Contains($"parameters_sha256 {TrainerHash(job)}", lines);
        Assert.Contains(lines, l => l.StartsWith("eval after step 8: ", StringComparison.Ordinal));
        Assert.Contains("test accuracy ", lines.Single(l => l.StartsWith("done: ", StringComparison.Ordinal)), StringComparison.Ordinal);
        var runFolder = Path.Combine(_folder.File("runs"), "tiny-mnist");
        Assert.Equal($"wrote {runFolder}: model.safetensors, model.py, metrics.csv, summary.json, curves.png", lines[^1]);
    }

    [Fact]
    public async Task AnEarlyStoppedRunSaysWhyAndItsBestModelPredicts()
    {
        // 192 training and 64 validation images: 6 steps an epoch. min_delta 10 lets only the first evaluation
        // improve, so patience 2 stops the 10-epoch run at epoch 3.
        var job = TestJobs.TinyMnist();
        job["data"]!["validation_fraction"] = 0.25;
        job["training"]!.AsObject().Remove("steps");
        job["training"]!["epochs"] = 10;
        job["training"]!["early_stopping"] = new JsonObject { ["patience"] = 2, ["min_delta"] = 10 };
        var runs = _folder.File("runs");

        var run = await CliRun.Of("train", TestJobs.Write(_folder, job), "--out", runs, "--threads", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.OutLines;
        Assert.Contains(lines, l => l.StartsWith("stopped early at epoch 3 (step 18): val_loss did not improve by more than min_delta 10 for 2 evaluations", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("done: 18/60 steps", StringComparison.Ordinal));
        var runFolder = Path.Combine(runs, "tiny-mnist");
        Assert.Contains($"best{Path.DirectorySeparatorChar}model.safetensors", lines[^1], StringComparison.Ordinal);

        var predict = await CliRun.Of("predict", Path.Combine(runFolder, "best"), RepositoryRoot.MnistFolder, "--limit", "3");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Equal(4, predict.OutLines.Length);
    }

    [Fact]
    public async Task TwoSiloProcessesEndWithTheTrainersParameters()
    {
        var job = Job();

        var run = await CliRun.Of("train", TestJobs.Write(_folder, job), "--out", _folder.File("runs"), "--threads", "1",
            "--silos", "2", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var events = run.OutLines.Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(2, (int?)events[0]["silos"]);
        var summary = events[^1];
        Assert.Equal("completed", (string?)summary["status"]);
        Assert.Equal(TrainerHash(job), (string?)summary["parameters_sha256"]);
    }

    // Relies on the job grain's fault recovery (issue 3 §3): rollback to the last checkpoint after a silo dies.
    [Fact]
    public async Task KilledSiloProcessStillEndsWithTheTrainersParameters()
    {
        var job = Job();

        var run = await CliRun.Of("train", TestJobs.Write(_folder, job), "--out", _folder.File("runs"), "--threads", "1",
            "--silos", "3", "--chaos", "kill-silo:3");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.OutLines, l => l.StartsWith("chaos: killed silo-", StringComparison.Ordinal));
        Assert.Contains($"parameters_sha256 {TrainerHash(job)}", run.OutLines);
    }

    [Fact]
    public async Task InvalidJobExits3NamingTheField()
    {
        var job = Job();
        job["training"]!["shards"] = 0;

        var run = await CliRun.Of("train", TestJobs.Write(_folder, job), "--out", _folder.File("runs"));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("training.shards", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.File("runs")));
    }

    [Fact]
    public async Task MissingDataFolderExits3NamingDataPath()
    {
        var job = Job();
        job["data"]!["path"] = _folder.File("no-mnist-here");

        var run = await CliRun.Of("train", TestJobs.Write(_folder, job), "--out", _folder.File("runs"));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("data.path", run.Error, StringComparison.Ordinal);
        Assert.Contains("no-mnist-here", run.Error, StringComparison.Ordinal);
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
        var job = Job();
        job["data"]!["path"] = data;

        var run = await CliRun.Of("train", TestJobs.Write(_folder, job), "--out", _folder.File("runs"));

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("train-labels-idx1-ubyte.gz", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    /// <summary>The parameter hash the single-process Trainer reaches on the same job.</summary>
    private static string TrainerHash(JsonObject job)
    {
        var setup = TrainingSetup.Load(JobSpecParser.Parse(job.ToJsonString(), "reference"), jobFileDirectory: null);
        using var trainer = new Trainer(setup, threads: 1);
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        return ParameterHash.Sha256(trainer.Layout, trainer.Parameters);
    }
}
