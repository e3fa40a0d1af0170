using Rnn.Client;
using Rnn.Client.Progress;

namespace Rnn.Client.Tests.Plots;

/// <summary>A display that keeps what it was told, to see what <see cref="Rnn.Client.Plots.CurvesWritingProgress"/> passes on.</summary>
internal sealed class RecordingProgress : TrainingProgress
{
    public List<string> Notes { get; } = [];

    public List<TrainingStepReport> Steps { get; } = [];

    public TrainingOutcome? Outcome { get; private set; }

    public override void Started(TrainingRunInfo info)
    {
    }

    public override void StepDone(TrainingStepReport step, ProgressSnapshot snapshot) => Steps.Add(step);

    public override void Evaluated(EvaluationReport evaluation)
    {
    }

    public override void Finished(TrainingOutcome outcome) => Outcome = outcome;

    public override void Note(string message) => Notes.Add(message);

    public override void Failed(ErrorReport report) => Notes.Add("failed: " + report.Message);
}
