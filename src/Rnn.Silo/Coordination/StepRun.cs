using Rnn.Training.Checkpoints;
using Rnn.Training.Steps;

namespace Rnn.Silo.Coordination;

/// <summary>
/// One step from <see cref="IJobSteps.RunStepAsync"/>: its metrics and, where a run-ahead took them
/// (<see cref="RunAhead"/>), the job's state right after it and the test evaluation of that state with when it ended
/// (UTC); null where the driver takes them itself.
/// </summary>
public sealed record StepRun(StepMetrics Metrics, TrainingCheckpoint? Snapshot = null, EvaluationResult? Evaluation = null,
    DateTime? EvaluatedUtc = null);
