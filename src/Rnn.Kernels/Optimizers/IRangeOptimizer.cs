namespace Rnn.Kernels.Optimizers;

/// <summary>
/// An optimizer whose update is element by element, so one block's step can run as disjoint ranges on several threads
/// with the bits of <see cref="IOptimizer.Step"/> over the whole block: <see cref="BeginStep"/> once, then
/// <see cref="UpdateRange"/> for ranges that cover the block exactly once, in any order, from any threads.
/// </summary>
public interface IRangeOptimizer : IOptimizer
{
    /// <summary>Starts step <see cref="IOptimizer.StepCount"/> + 1 at <paramref name="learningRate"/>.</summary>
    void BeginStep(double learningRate);

    /// <summary>
    /// Updates the block's elements [<paramref name="offset"/>, offset + parameters.Length) for the step begun last;
    /// <paramref name="parameters"/> and <paramref name="gradients"/> are those elements. No allocation.
    /// </summary>
    void UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradients, int offset);
}
