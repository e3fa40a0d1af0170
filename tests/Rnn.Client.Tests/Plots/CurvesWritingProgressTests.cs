using Rnn.Client.Plots;
using Rnn.Client.Tests.Support;
using Rnn.Client.Progress;

namespace Rnn.Client.Tests.Plots;

public sealed class CurvesWritingProgressTests
{
    private static readonly ProgressSnapshot Snapshot = new(TimeSpan.Zero, 0, null, null, null);

    [Fact]
    public void Train_writes_curves_png_in_the_run_folder_from_metrics_csv_and_lists_it()
    {
        using var folder = new TemporaryFolder();
        folder.WriteText("metrics.csv", "step,epoch,loss\n" + string.Join("\n", Enumerable.Range(0, 40).Select(s => $"{s},0,{2.0 - s * 0.03}")) + "\n");
        var display = new RecordingProgress();
        var progress = CurvesWritingProgress.InRunFolder(display);

        Run(progress, folder.Path, steps: 0);

        var path = folder.File(CurvesWritingProgress.FileName);
        var png = DecodedPng.Decode(File.ReadAllBytes(path));
        Assert.Equal((CurvesChart.Width, CurvesChart.Height), (png.Width, png.Height));
        Assert.Contains(path, display.Outcome!.Files);
        Assert.Empty(display.Notes);
    }

    [Fact]
    public void Watch_writes_the_received_steps_to_the_chosen_file_and_says_so()
    {
        using var folder = new TemporaryFolder();
        var display = new RecordingProgress();
        var path = folder.File("job.png");
        var progress = CurvesWritingProgress.ToFile(display, path);

        Run(progress, "http://silo:5080", steps: 30);

        Assert.Equal(30, display.Steps.Count);
        Assert.True(DecodedPng.Decode(File.ReadAllBytes(path)).Width > 0);
        Assert.Equal([$"wrote curves {path}"], display.Notes);
        Assert.Empty(display.Outcome!.Files);
    }

    [Fact]
    public void A_plot_that_cannot_be_written_is_a_note_and_the_run_still_finishes()
    {
        using var folder = new TemporaryFolder();
        var display = new RecordingProgress();
        var progress = CurvesWritingProgress.ToFile(display, Path.Combine(folder.Path, "missing", "x.png"));

        Run(progress, folder.Path, steps: 3);

        Assert.Single(display.Notes, n => n.StartsWith("could not write curves", StringComparison.Ordinal));
        Assert.NotNull(display.Outcome);
    }

    [Fact]
    public void Train_without_a_run_folder_writes_nothing()
    {
        using var folder = new TemporaryFolder();
        var display = new RecordingProgress();
        var runFolder = Path.Combine(folder.Path, "never-created");

        Run(CurvesWritingProgress.InRunFolder(display), runFolder, steps: 3);

        Assert.False(Directory.Exists(runFolder));
        Assert.Empty(display.Outcome!.Files);
    }

    private static void Run(CurvesWritingProgress progress, string output, int steps)
    {
        progress.Started(new TrainingRunInfo("job", steps, 0, 0, 1, 1, output));
        for (var s = 1; s <= steps; s++) progress.StepDone(new TrainingStepReport(s, 1, 2.0 / s, 0.5, 1, 0.001, 0.01, 32, null), Snapshot);
        var evaluation = new EvaluationReport(steps, new Dictionary<string, double> { ["accuracy"] = 0.8 });
        progress.Evaluated(evaluation);
        progress.Finished(new TrainingOutcome("job", steps, steps, 1, 1, 32L * steps, 0.1, 0, evaluation, false, null, output, []));
    }
}
