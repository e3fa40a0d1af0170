using Rnn.Client.Progress;
namespace Rnn.Client.Training;

/// <summary>Receives a run's events in order, from one flow at a time (never concurrently).</summary>
internal interface ITrainingObserver
{
    void StepDone(TrainingStepReport step);

    void Evaluated(EvaluationReport evaluation);

    /// <summary>Something the user should know that is not a step (e.g. the chaos option killed a silo).</summary>
    void Note(string message);
}
