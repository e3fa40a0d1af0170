using Rnn.Training.Steps;
using Rnn.Contracts.Messages;

namespace Rnn.Silo.Coordination;

/// <summary>What one driven step produced: its metrics, whether a checkpoint was written after it, and an evaluation if one was due.</summary>
public sealed record StepOutcome(StepMetrics Metrics, bool Checkpointed, EvaluationMetrics? Evaluation);
