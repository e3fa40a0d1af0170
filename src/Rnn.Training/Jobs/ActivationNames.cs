namespace Rnn.Training.Jobs;

/// <summary>The activations a layer may name in <c>model.layers[i].activation</c>.</summary>
public static class ActivationNames
{
    /// <summary>Dense default: the raw affine output (logits for cross-entropy).</summary>
    public const string Linear = "linear";
    public const string Softmax = "softmax";

    /// <summary>The only activation of the recurrent cells (PyTorch's convention); also their default.</summary>
    public const string Tanh = "tanh";

    public static IReadOnlyList<string> Dense { get; } = [Linear, Softmax];
}
