using Rnn.Client;
using Rnn.Client.Progress;

namespace Rnn.Client.Plots;

/// <summary>
/// Wraps a display and, when the run ends, writes its curves as curves.png (<see cref="CurvesChart"/>): for
/// <c>rnn train</c> into the run folder next to metrics.csv, whose rows are the loss curve; for <c>rnn watch</c> to a
/// chosen file, from the steps the watch received. Evaluations come from the display's own evaluation events and
/// the final test metrics. A plot that cannot be written is a note, never a failed run: the model is what matters.
/// </summary>
internal sealed class CurvesWritingProgress : TrainingProgress
{
    public const string FileName = "curves.png";

    private readonly TrainingProgress _inner;
    private readonly string? _file;
    private readonly List<CurvePoint> _loss = [];
    private readonly List<(long Step, IReadOnlyDictionary<string, double> Metrics)> _evaluations = [];
    private string _jobName = "";

    private CurvesWritingProgress(TrainingProgress inner, string? file)
    {
        _inner = inner;
        _file = file;
    }

    /// <summary>curves.png in the run folder (the outcome's output directory), the loss read from its metrics.csv.</summary>
    public static CurvesWritingProgress InRunFolder(TrainingProgress inner) => new(inner, null);

    /// <summary>The curves written to <paramref name="path"/>, the loss from the steps shown.</summary>
    public static CurvesWritingProgress ToFile(TrainingProgress inner, string path) => new(inner, Path.GetFullPath(path));

    public override Task<T> ShowAsync<T>(Func<Task<T>> work) => _inner.ShowAsync(work);

    public override void Started(TrainingRunInfo info)
    {
        _jobName = info.JobName;
        _inner.Started(info);
    }

    public override void StepDone(TrainingStepReport step, ProgressSnapshot snapshot)
    {
        if (!step.Skipped) _loss.Add(new CurvePoint(step.Step, step.Loss));
        _inner.StepDone(step, snapshot);
    }

    public override void Evaluated(EvaluationReport evaluation)
    {
        _evaluations.Add((evaluation.Step, evaluation.Metrics));
        _inner.Evaluated(evaluation);
    }

    public override void Note(string message) => _inner.Note(message);

    public override void Failed(ErrorReport report) => _inner.Failed(report);

    public override void Finished(TrainingOutcome outcome)
    {
        if (outcome.LastEvaluation is { } last) _evaluations.Add((last.Step, last.Metrics));
        var path = _file ?? Path.Combine(outcome.OutputDirectory, FileName);
        // A run folder that does not exist means the run wrote nothing; a plot alone there would mislead.
        if (_file is not null || Directory.Exists(outcome.OutputDirectory))
        {
            try
            {
                Write(path, outcome);
                if (_file is null) outcome = outcome with { Files = [.. outcome.Files, path] };
                else _inner.Note($"wrote curves {path}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                _inner.Note($"could not write curves {path}: {e.Message}");
            }
        }
        _inner.Finished(outcome);
    }

    private void Write(string path, TrainingOutcome outcome)
    {
        var metricsFile = Path.Combine(outcome.OutputDirectory, "metrics.csv");
        var loss = _file is null && File.Exists(metricsFile) ? MetricsCsvCurve.ReadLoss(metricsFile) : _loss;
        var curves = RunCurves.From(_jobName.Length > 0 ? _jobName : outcome.JobName, loss, _evaluations);
        PngEncoder.Save(new CurvesChart(curves).Draw(), path);
    }
}
