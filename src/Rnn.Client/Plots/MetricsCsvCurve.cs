using Rnn.Training.Runs;

namespace Rnn.Client.Plots;

/// <summary>
/// The loss curve from a run folder's metrics.csv (<c>step,epoch,loss,accuracy,...</c>, one row per step, step
/// counted from 0). Points are placed at steps done (row step + 1), as the displays and evaluations count them;
/// skipped steps (empty loss) leave no point.
/// </summary>
internal static class MetricsCsvCurve
{
    public static List<CurvePoint> ReadLoss(string path) =>
        MetricsCsvReader.Read(path).Where(r => double.IsFinite(r.Loss)).Select(r => new CurvePoint(r.Step + 1, r.Loss)).ToList();
}
