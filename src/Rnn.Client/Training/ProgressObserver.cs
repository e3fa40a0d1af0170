using Rnn.Client.Progress;

namespace Rnn.Client.Training;

/// <summary>Feeds a run's events to a display, adding the running figures (throughput, ETA, epoch means).</summary>
internal sealed class ProgressObserver(TrainingProgress progress, long totalSteps) : ITrainingObserver
{
    private readonly ProgressTracker _tracker = new(0, totalSteps);

    public ProgressTracker Tracker => _tracker;

    public EvaluationReport? LastEvaluation { get; private set; }

    public void StepDone(TrainingStepReport step) => progress.StepDone(step, _tracker.Add(step));

    public void Evaluated(EvaluationReport evaluation)
    {
        LastEvaluation = evaluation;
        progress.Evaluated(evaluation);
    }

    public void Note(string message) => progress.Note(message);
}
