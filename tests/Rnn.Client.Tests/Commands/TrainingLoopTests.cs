using Rnn.Client.Console;
using Rnn.Client.Tests.Support;
using Rnn.Client.Training;

namespace Rnn.Client.Tests.Commands;

public class TrainingLoopTests
{
    [Fact]
    public void CtrlCStopsBetweenStepsAndReportsAnInterruptedRun()
    {
        using var cancel = new CancellationTokenSource();
        var scripted = new ScriptedTrainingRun(10, 5) { CancelAfter = (3, cancel) };
        using var output = new StringWriter();
        var progress = new PlainProgressWriter(output, 1);
        progress.Started(new TrainingRunInfo("job", 10, 5, 0, 1, "/tmp/run"));

        var outcome = new TrainingLoop(scripted, null, cancel.Token).Run("job", progress);

        Assert.True(outcome.Interrupted);
        Assert.Equal(3, outcome.Steps);
        Assert.Equal(10, outcome.TotalSteps);
        Assert.Equal(1.0 / 3, outcome.LastLoss);
        Assert.Equal(96, outcome.SamplesSeen);
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
