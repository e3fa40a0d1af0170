using System.Globalization;

namespace Rnn.Client.Plots;

/// <summary>
/// The loss curve from a run folder's metrics.csv (<c>step,epoch,loss,accuracy,...</c>, one row per step, step
/// counted from 0). Points are placed at steps done (row step + 1), as the displays and evaluations count them;
/// skipped steps (empty loss) leave no point.
/// </summary>
internal static class MetricsCsvCurve
{
    public static List<CurvePoint> ReadLoss(string path)
    {
        var points = new List<CurvePoint>();
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()?.Split(',') ?? [];
        var stepColumn = Array.IndexOf(header, "step");
        var lossColumn = Array.IndexOf(header, "loss");
        if (stepColumn < 0 || lossColumn < 0) throw new InvalidDataException($"{path}: no step and loss columns in the header");

        while (reader.ReadLine() is { } line)
        {
            var cells = line.Split(',');
            if (cells.Length <= Math.Max(stepColumn, lossColumn)) continue; // a row cut short by a crash
            if (long.TryParse(cells[stepColumn], NumberStyles.None, CultureInfo.InvariantCulture, out var step)
                && double.TryParse(cells[lossColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var loss)
                && double.IsFinite(loss))
            {
                points.Add(new CurvePoint(step + 1, loss));
            }
        }
        return points;
    }
}
