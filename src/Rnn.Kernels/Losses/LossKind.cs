namespace Rnn.Kernels.Losses;

/// <summary>The losses a job can name.</summary>
public enum LossKind
{
    /// <summary>Softmax cross-entropy against integer labels (Keras sparse_categorical_crossentropy).</summary>
    SparseCategoricalCrossEntropy,

    /// <summary>Mean squared error against float targets.</summary>
    MeanSquaredError,
}
