namespace Rnn.Training.Jobs;

/// <summary>
/// <c>training.early_stopping</c>: stop when the monitored validation metric has not improved by more than
/// <see cref="MinDelta"/> for <see cref="Patience"/> evaluations in a row (docs/training.md). Needs a validation split.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.EarlyStoppingSpec")]
[Immutable]
public sealed record EarlyStoppingSpec
{
    /// <summary>One of <see cref="EarlyStoppingMonitors"/>, e.g. <c>val_loss</c>.</summary>
    [Id(0)] public string Monitor { get; init; } = EarlyStoppingMonitors.ValLoss;

    /// <summary>Evaluations without an improvement before the run stops (at least 1).</summary>
    [Id(1)] public required int Patience { get; init; }

    /// <summary>The least change that counts as an improvement (0: any strict improvement).</summary>
    [Id(2)] public double MinDelta { get; init; }
}

/// <summary>The validation metrics early stopping (and the best model) can follow, and which way is better.</summary>
public static class EarlyStoppingMonitors
{
    public const string ValLoss = "val_loss";
    public const string ValAccuracy = "val_accuracy";
    public const string ValRmse = "val_rmse";
    public const string ValBitsPerChar = "val_bits_per_char";

    /// <summary>The prefix of a validation metric in an evaluation's results (val_loss beside the test split's loss).</summary>
    public const string ValidationPrefix = "val_";

    public static IReadOnlyList<string> All { get; } = [ValLoss, ValAccuracy, ValRmse, ValBitsPerChar];

    /// <summary>True for accuracy (higher is better); loss, RMSE and bits per character are better lower.</summary>
    public static bool HigherIsBetter(string monitor) => monitor == ValAccuracy;
}
