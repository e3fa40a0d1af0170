namespace Rnn.Client.Training;

/// <summary>
/// A training run as the train command drives it: one step at a time, so the command owns the loop (progress,
/// evaluation cadence, Ctrl+C) and the same command can later drive a run in an in-process silo.
/// </summary>
internal interface ITrainingRun : IDisposable
{
    /// <summary>Steps done so far.</summary>
    long Step { get; }

    long TotalSteps { get; }

    int StepsPerEpoch { get; }

    /// <summary>True right after the last step of an epoch.</summary>
    bool IsEpochEnd { get; }

    /// <summary>Runs one optimizer step.</summary>
    TrainingStepReport RunStep();

    /// <summary>Metrics on the test split for the current parameters.</summary>
    EvaluationReport Evaluate();

    /// <summary>Completes the run folder (model, metrics, summary) for the steps done; returns the full paths of its files.</summary>
    IReadOnlyList<string> WriteOutputs(TrainingOutcome outcome);
}
