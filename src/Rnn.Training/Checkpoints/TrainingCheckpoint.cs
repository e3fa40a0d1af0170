using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;

namespace Rnn.Training.Checkpoints;

/// <summary>
/// A consistent snapshot between two steps: parameters, the optimizer state of every parameter block, the next step
/// (the data cursor: a step's data is a function of the step number) and each shard's carried stream state.
/// </summary>
public sealed record TrainingCheckpoint(
    string JobName,
    long Step,
    float[] Parameters,
    IReadOnlyList<OptimizerState> BlockOptimizers,
    IReadOnlyList<CarriedState?> ShardStates);
