namespace Rnn.Training.Jobs;

/// <summary>The loss names a job file may use in <c>loss</c>.</summary>
public static class LossNames
{
    public const string SparseCategoricalCrossentropy = "sparse_categorical_crossentropy";
    public const string Mse = "mse";

    public static IReadOnlyList<string> All { get; } = [SparseCategoricalCrossentropy, Mse];
}
