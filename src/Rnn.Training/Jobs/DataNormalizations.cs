namespace Rnn.Training.Jobs;

/// <summary>Values of <c>data.normalize</c>.</summary>
public static class DataNormalizations
{
    /// <summary>Per feature (and regression target): (x − mean) / std, fitted on the training split only.</summary>
    public const string Standard = "standard";

    public const string None = "none";

    public static IReadOnlyList<string> All { get; } = [Standard, None];
}
