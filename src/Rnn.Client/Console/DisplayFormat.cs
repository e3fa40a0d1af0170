using System.Globalization;
using Rnn.Client.Progress;

namespace Rnn.Client.Console;

/// <summary>Number and duration formats shared by the plain and live displays (invariant culture: logs get parsed).</summary>
internal static class DisplayFormat
{
    public static string Duration(TimeSpan span)
    {
        if (span.TotalHours >= 1) return $"{(int)span.TotalHours}h{span.Minutes:00}m";
        if (span.TotalMinutes >= 1) return $"{span.Minutes}m{span.Seconds:00}s";
        return span.TotalSeconds >= 10
            ? $"{span.Seconds}s"
            : span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
    }

    public static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Rate(double value) => value.ToString("0", CultureInfo.InvariantCulture);

    public static string LearningRate(double value) => value.ToString("0.00e+00", CultureInfo.InvariantCulture);

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"accuracy 0.9712, loss 0.2100": metrics in name order, so lines are stable across runs.</summary>
    public static string Metrics(EvaluationReport evaluation) =>
        string.Join(", ", evaluation.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {Number(m.Value)}"));

    /// <summary>The one-line end-of-run summary shared by the plain and live displays.</summary>
    public static string Summary(TrainingOutcome outcome)
    {
        var verb = outcome.Interrupted ? "interrupted" : "done";
        var text = $"{verb}: {Integer(outcome.Steps)}/{Integer(outcome.TotalSteps)} steps in {Duration(TimeSpan.FromSeconds(outcome.Seconds))}, {Rate(outcome.SamplesPerSecond)} samples/s";
        if (outcome.LastLoss is { } loss) text += $"; last loss {Number(loss)}";
        if (outcome.SkippedSteps > 0) text += $"; {Integer(outcome.SkippedSteps)} steps skipped";
        if (outcome.LastEvaluation is { } evaluation) text += $"; test {Metrics(evaluation)}";
        return text;
    }

    /// <summary>"4685 steps (5 epochs of 937 steps)", or "5 steps (0.62 epochs of 8 steps)" for a run of a set step count.</summary>
    public static string Length(TrainingRunInfo info)
    {
        if (!info.EpochsKnown) return $"{Integer(info.TotalSteps)} steps";
        var epochs = info.TotalSteps % info.StepsPerEpoch == 0
            ? Integer(info.TotalSteps / info.StepsPerEpoch)
            : ((double)info.TotalSteps / info.StepsPerEpoch).ToString("0.##", CultureInfo.InvariantCulture);
        var unit = epochs == "1" ? "epoch" : "epochs";
        return $"{Integer(info.TotalSteps)} steps ({epochs} {unit} of {Integer(info.StepsPerEpoch)} steps)";
    }

    /// <summary>"parameters_sha256 HEX": the hash a run is compared by (equal for 1 silo, N silos, or a killed one).</summary>
    public static string Hash(string sha256) => $"parameters_sha256 {sha256}";

    /// <summary>"wrote DIR: a, b, c" (file names relative to the folder).</summary>
    public static string Written(TrainingOutcome outcome) =>
        $"wrote {outcome.OutputDirectory}: " +
        string.Join(", ", outcome.Files.Select(f => Path.GetRelativePath(outcome.OutputDirectory, f)));
}
