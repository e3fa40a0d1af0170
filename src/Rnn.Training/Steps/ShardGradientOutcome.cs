using Rnn.Kernels.Losses;

namespace Rnn.Training.Steps;

/// <summary>What one shard's step gave the reduction: its loss sums and whether its gradient was all finite.</summary>
public readonly record struct ShardGradientOutcome(int Shard, ShardStepResult Result, bool GradientFinite);
