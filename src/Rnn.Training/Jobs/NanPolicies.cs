namespace Rnn.Training.Jobs;

/// <summary>What a job does when a step's loss or gradient is not finite (<c>training.nan_policy</c>).</summary>
public static class NanPolicies
{
    /// <summary>Drop that step's update, count it, and go on.</summary>
    public const string SkipStep = "skip_step";

    /// <summary>Stop the job with an error.</summary>
    public const string Fail = "fail";

    public static IReadOnlyList<string> All { get; } = [SkipStep, Fail];
}
