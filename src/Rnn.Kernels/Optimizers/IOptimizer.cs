namespace Rnn.Kernels.Optimizers;

/// <summary>
/// An optimizer over one contiguous range of the flat parameter vector. The parameter server runs one instance per
/// block, so an instance owns the state (moments, momentum) of exactly <see cref="Length"/> elements and nothing else.
/// Instances are not thread-safe: one block, one caller at a time.
/// </summary>
public interface IOptimizer
{
    /// <summary>The optimizer's name in checkpoints, e.g. "adam" or "sgd".</summary>
    string Kind { get; }

    /// <summary>How many parameters this instance updates; every span given to <see cref="Step"/> has this length.</summary>
    int Length { get; }

    /// <summary>How many steps have been taken (PyTorch's state["step"]); the next step is number StepCount + 1.</summary>
    long StepCount { get; }

    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradients"/>. No allocation.</summary>
    /// <paramref name="learningRate"/> stays a double until the optimizer's float arithmetic, as a Python float does in torch.
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients, double learningRate);

    /// <summary>A deep copy of the state, for checkpoints; importing it into a fresh instance resumes bit-exactly.</summary>
    OptimizerState ExportState();

    /// <summary>Replaces the state with a copy of <paramref name="state"/>; throws if its kind or lengths do not fit.</summary>
    void ImportState(OptimizerState state);
}
