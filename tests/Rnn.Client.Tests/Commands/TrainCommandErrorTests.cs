using System.Text.Json.Nodes;
using Rnn.Client.Tests.Support;
using Rnn.Training.Data;
using Rnn.Training.Safetensors;

namespace Rnn.Client.Tests.Commands;

/// <summary>Every way train can fail ends in a message that says what to fix and a documented exit code, never a stack.</summary>
public sealed class TrainCommandErrorTests : IDisposable
{
    private const string StackFrame = "   at ";
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task InvalidJobExits3NamingTheField()
    {
        var job = TestJobs.TinyMnist();
        job["training"]!["batch_size"] = -1;
        var path = TestJobs.Write(_folder, job);

        var run = await CliRun.Of("train", path, "--out", _folder.File("run"));

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("training.batch_size", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(StackFrame, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(StackFrame, run.Out, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.File("run")));
    }

    [Fact]
    public async Task EveryProblemOfAJobIsOnItsOwnLine()
    {
        var job = TestJobs.TinyMnist();
        job["training"]!["batch_size"] = -1;
        job["optimizer"]!["lr"] = "fast";
        var path = TestJobs.Write(_folder, job);

        var run = await CliRun.Of("train", path);

        Assert.Equal(3, run.ExitCode);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("training.batch_size", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("optimizer.lr", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingJobFileExits3NamingThePath()
    {
        var path = _folder.File("no-such-job.json");

        var run = await CliRun.Of("train", path);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains(path, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(StackFrame, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CudaJobWithoutAGpuSiloExits3NamingTheBackend()
    {
        // The in-process silo of local mode probes for a CUDA device and finds none here, so it advertises gpu=false.
        var job = TestJobs.TinyMnist();
        job["backend"] = "cuda";
        var path = TestJobs.Write(_folder, job);

        var run = await CliRun.Of("train", path, "--out", _folder.File("run"));

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("backend: \"cuda\" needs a GPU silo; none of the 1 active silos advertises gpu=true", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(StackFrame, run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(_folder.File("run")) ? Directory.GetFileSystemEntries(_folder.File("run")) : []);
    }

    public static TheoryData<string> DataProblems() => ["format", "safetensors", "missing-file", "missing-folder"];

    [Theory]
    [MemberData(nameof(DataProblems))]
    public async Task DataProblemsExit4WithTheirMessage(string problem)
    {
        Exception failure = problem switch
        {
            "format" => new DataFormatException("/data/train-images.gz", "truncated after 12 bytes"),
            "safetensors" => new SafetensorsFormatException("/data/model.safetensors", null, "/data/model.safetensors: header is truncated"),
            "missing-file" => new FileNotFoundException("data file not found", "/data/train-labels.gz"),
            _ => new DirectoryNotFoundException("could not find '/data/mnist'"),
        };
        var runs = new ScriptedRunFactory(new ScriptedTrainingRun(3, 3)) { OpenFailure = failure };

        var run = await CliRun.WithRuns(runs, false, "train", TestJobs.Write(_folder, TestJobs.TinyMnist()));

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("/data/", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(StackFrame, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainingStoppedByNanPolicyExits1WithTheReason()
    {
        var scripted = new ScriptedTrainingRun(5, 5)
        {
            JobFailure = (3, "the gradient of shard 0 at step 2 is not finite (NaN or Inf); training.nan_policy is 'fail'"),
        };

        var run = await CliRun.WithRuns(new ScriptedRunFactory(scripted), false, "train", TestJobs.Write(_folder, TestJobs.TinyMnist()),
            "--out", _folder.File("run"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("rnn: training failed: the gradient of shard 0", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(StackFrame, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnexpectedExceptionIsOneLineWithAHint()
    {
        var scripted = new ScriptedTrainingRun(5, 5) { Failure = (2, new InvalidOperationException("buffer mix-up")) };

        var run = await CliRun.WithRuns(new ScriptedRunFactory(scripted), false, "train", TestJobs.Write(_folder, TestJobs.TinyMnist()),
            "--out", _folder.File("run"));

        Assert.Equal(70, run.ExitCode);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rnn: internal error: buffer mix-up", lines[0].TrimEnd('\r'));
        Assert.Contains("--verbose", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(StackFrame, run.Error, StringComparison.Ordinal);
        Assert.True(scripted.Disposed);
    }

    [Fact]
    public async Task VerbosePrintsTheStackOfAnUnexpectedException()
    {
        var scripted = new ScriptedTrainingRun(5, 5) { Failure = (1, new InvalidOperationException("buffer mix-up")) };

        var run = await CliRun.WithRuns(new ScriptedRunFactory(scripted), false, "train", TestJobs.Write(_folder, TestJobs.TinyMnist()),
            "--out", _folder.File("run"), "--verbose");

        Assert.Equal(70, run.ExitCode);
        Assert.Contains(StackFrame, run.Error, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonModeAlsoReportsTheErrorAsAnObject()
    {
        var job = TestJobs.TinyMnist();
        job["training"]!["batch_size"] = -1;

        var run = await CliRun.Of("train", TestJobs.Write(_folder, job), "--json");

        Assert.Equal(3, run.ExitCode);
        var error = JsonNode.Parse(run.OutLines.Single())!.AsObject();
        Assert.Equal("error", (string?)error["event"]);
        Assert.Equal(3, (int?)error["exit_code"]);
        Assert.Contains("training.batch_size", (string?)error["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--steps", "0")]
    [InlineData("--log-every", "0")]
    [InlineData("--threads", "0")]
    public async Task BadNumbersAreUsageErrors(string option, string value)
    {
        var run = await CliRun.Of("train", TestJobs.Write(_folder, TestJobs.TinyMnist()), option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
        Assert.Contains("rnn train --help", run.Error, StringComparison.Ordinal);
    }
}
