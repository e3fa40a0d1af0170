using Rnn.Kernels.Models;
using Rnn.Kernels.Losses;

namespace Rnn.Kernels.Backends;

/// <summary>
/// Computes a micro-batch's output, loss and gradient SUM for a <see cref="SequentialModel"/> from host parameters.
/// The CPU implementation is the model itself; a GPU implementation uploads parameters and inputs once, keeps every
/// activation on the device across layers and steps, and downloads only the output, the loss and the gradient.
/// </summary>
public interface IModelExecutor : IDisposable
{
    SequentialModel Model { get; }

    /// <summary>
    /// Inference forward (dropout off) over <paramref name="batch"/>'s inputs; <paramref name="state"/> as in
    /// <see cref="SequentialModel.Forward"/>. Returns the output, [T·B, C] or [B, C], valid until the next call.
    /// </summary>
    ReadOnlySpan<float> Forward(ReadOnlySpan<float> parameters, SequenceBatch batch, CarriedState? state);

    /// <summary>
    /// Training forward, the loss (sum, with gradient scale 1, as <see cref="LossHead"/>) and backward.
    /// <paramref name="gradientSum"/> is overwritten with the gradient summed over the micro-batch.
    /// </summary>
    ShardStepResult ComputeGradient(ReadOnlySpan<float> parameters, SequenceBatch batch, CarriedState? state,
        LossKind loss, ulong dropoutSeed, Span<float> gradientSum);
}
