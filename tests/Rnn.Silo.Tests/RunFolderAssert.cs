using Rnn.Training.Checkpoints;
using Rnn.Training.Runs;

namespace Rnn.Silo.Tests;

/// <summary>Checks on a finished job's run folder.</summary>
internal static class RunFolderAssert
{
    /// <summary>metrics.csv holds one row per step 0..steps-1, each once, in order (no row of a replayed step twice).</summary>
    public static void MetricsHaveEachStepOnce(string folder, long steps)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, "metrics.csv"));
        Assert.Equal(MetricsCsvWriter.Header, lines[0]);
        var rowSteps = lines.Skip(1).Select(l => long.Parse(l[..l.IndexOf(',', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(0, (int)steps).Select(s => (long)s), rowSteps);
    }

    /// <summary>The run completed: summary.json and the final checkpoint name the expected hash.</summary>
    public static void CompletedWithHash(string folder, long steps, string hash)
    {
        var summary = RunSummary.Read(Path.Combine(folder, "summary.json"));
        Assert.Equal(steps, summary.Steps);
        Assert.Equal(hash, summary.ParametersSha256);
        var manifest = File.ReadAllText(Path.Combine(folder, "checkpoint", "manifest.json"));
        Assert.Contains($"\"step\": {steps},", manifest, StringComparison.Ordinal);
        Assert.Contains($"\"parameters_sha256\": \"{hash}\"", manifest, StringComparison.Ordinal);
        Assert.True(CheckpointStore.Exists(Path.Combine(folder, "checkpoint")));
        MetricsHaveEachStepOnce(folder, steps);
    }
}
