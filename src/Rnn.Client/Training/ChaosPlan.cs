using System.Globalization;

namespace Rnn.Client.Training;

/// <summary>
/// --chaos kill-silo:STEP: when step STEP (1 = the first) starts, crash one silo process that holds shards, to
/// show that the job still ends with the fault-free parameters.
/// </summary>
internal sealed record ChaosPlan(long KillSiloAtStep)
{
    public const string KillSiloPrefix = "kill-silo:";

    /// <summary>Null and an error message when <paramref name="text"/> is not "kill-silo:STEP" with STEP ≥ 1.</summary>
    public static ChaosPlan? TryParse(string text, out string? error)
    {
        error = null;
        if (text.StartsWith(KillSiloPrefix, StringComparison.Ordinal) &&
            long.TryParse(text.AsSpan(KillSiloPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step) && step >= 1)
        {
            return new ChaosPlan(step);
        }
        error = $"--chaos must be '{KillSiloPrefix}STEP' with STEP at least 1; got '{text}'";
        return null;
    }
}
