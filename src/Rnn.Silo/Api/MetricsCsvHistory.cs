using System.Globalization;
using Rnn.Kernels.Losses;
using Rnn.Training.Runs;
using Rnn.Training.Steps;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Silo.Api;

/// <summary>
/// Reads a job's step history back from its metrics.csv (written by the job driver after every step, before the step
/// goes out on the stream; rows of steps replayed after a rollback are rewritten, so each step is there once).
/// </summary>
public static class MetricsCsvHistory
{
    /// <summary>Rows with from ≤ step &lt; until, in step order; a row being written at this moment is skipped.</summary>
    public static IReadOnlyList<V1.StepMetrics> Read(string path, long from, long until = long.MaxValue)
    {
        if (!File.Exists(path)) return [];
        string[] lines;
        try
        {
            // Shared read: the driver appends (and after a rollback rewrites) the file while we read.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            lines = reader.ReadToEnd().Split('\n');
        }
        catch (IOException)
        {
            return [];
        }
        var rows = new SortedDictionary<long, V1.StepMetrics>();
        foreach (var line in lines.Skip(1))
            if (Parse(line) is { } row && row.Step >= from && row.Step < until) rows[row.Step] = row;
        return rows.Values.ToArray();
    }

    /// <summary>step,epoch,loss,accuracy,grad_norm,learning_rate,samples_per_second,seconds,skipped (MetricsCsvWriter.Header).</summary>
    private static V1.StepMetrics? Parse(string line)
    {
        var cells = line.TrimEnd('\r').Split(',');
        if (cells.Length < 9 || !long.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            || !int.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)) return null;
        var row = new V1.StepMetrics
        {
            Step = step, Epoch = epoch, Loss = Number(cells[2]), GradNorm = Number(cells[4]), LearningRate = Number(cells[5]),
            SamplesPerSecond = Number(cells[6]), Seconds = Number(cells[7]), Skipped = cells[8] == "1",
        };
        if (cells[3].Length > 0) row.Accuracy = Number(cells[3]);
        return row;
    }

    // The writer leaves non-finite values empty.
    private static double Number(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
}
