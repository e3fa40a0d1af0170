using Rnn.Client.Tests.Support;
using Rnn.Client.Training;
using Rnn.Client.Commands;
using Rnn.Client.Progress;

namespace Rnn.Client.Tests.Commands;

public class TrainingProgressTests
{
    [Fact]
    public async Task CtrlCCancelsTheJobAndReportsAnInterruptedRun()
    {
        using var cancel = new CancellationTokenSource();
        var scripted = new ScriptedTrainingRun(10, 5) { CancelAfter = (3, cancel) };
        using var folder = new TemporaryFolder();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var job = TestJobs.Write(folder, TestJobs.TinyMnist());

        var code = await CliApp.RunAsync(["train", job, "--out", folder.File("runs"), "--json"],
            new CliContext(stdout, stderr, false), new ScriptedRunFactory(scripted), cancel.Token);

        Assert.Equal(130, code);
        var summary = System.Text.Json.Nodes.JsonNode.Parse(stdout.ToString().Trim().Split('\n')[^1])!;
        Assert.Equal("interrupted", (string?)summary["status"]);
        Assert.Equal(3, (long?)summary["steps"]);
        Assert.Equal(96, (long?)summary["samples"]);
    }

    [Fact]
    public void EpochLossIsTheMeanOverTheEpochSoFar()
    {
        var tracker = new ProgressTracker(0, 4);

        tracker.Add(new TrainingStepReport(1, 1, 1.0, 0.5, 1, 0.1, 0.01, 10, null));
        var second = tracker.Add(new TrainingStepReport(2, 1, 0.5, 1.0, 1, 0.1, 0.01, 30, null));
        var nextEpoch = tracker.Add(new TrainingStepReport(3, 2, 0.25, null, 1, 0.1, 0.01, 10, null));

        Assert.Equal(0.75, second.EpochLoss);
        Assert.Equal(0.875, second.EpochAccuracy);
        Assert.Equal(0.25, nextEpoch.EpochLoss);
        Assert.Null(nextEpoch.EpochAccuracy);
        Assert.NotNull(nextEpoch.Remaining);
    }
}
