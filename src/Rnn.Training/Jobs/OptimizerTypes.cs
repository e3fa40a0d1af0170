namespace Rnn.Training.Jobs;

/// <summary>The optimizer names a job file may use in <c>optimizer.type</c>.</summary>
public static class OptimizerTypes
{
    public const string Adam = "adam";
    public const string Sgd = "sgd";

    public static IReadOnlyList<string> All { get; } = [Adam, Sgd];
}
