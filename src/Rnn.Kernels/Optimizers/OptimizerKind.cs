namespace Rnn.Kernels.Optimizers;

/// <summary>The optimizers a job can name (<c>optimizer.type</c>).</summary>
public enum OptimizerKind
{
    Adam,
    Sgd,
}
