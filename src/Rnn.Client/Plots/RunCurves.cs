namespace Rnn.Client.Plots;

/// <summary>
/// What the chart shows: the training loss per step and one test metric at the steps it was evaluated. The metric is
/// the one the run's task has: accuracy (classification), bits_per_char (character models), rmse (regression),
/// else the test loss.
/// </summary>
internal sealed record RunCurves(string JobName, IReadOnlyList<CurvePoint> Loss, string MetricName, IReadOnlyList<CurvePoint> Metric)
{
    /// <summary>Test metrics in the order they are preferred for the second panel.</summary>
    public static IReadOnlyList<string> PreferredMetrics { get; } = ["accuracy", "bits_per_char", "rmse", "loss"];

    /// <summary>
    /// The curves from the loss points and the evaluations (step, metrics by name). Evaluations of the same step
    /// (the final one is reported by the stream and again by the summary) count once, the last one winning.
    /// </summary>
    public static RunCurves From(string jobName, IEnumerable<CurvePoint> loss, IEnumerable<(long Step, IReadOnlyDictionary<string, double> Metrics)> evaluations)
    {
        var byStep = new SortedDictionary<long, IReadOnlyDictionary<string, double>>();
        foreach (var (step, metrics) in evaluations) byStep[step] = metrics;
        var name = PreferredMetrics.FirstOrDefault(m => byStep.Values.Any(e => e.TryGetValue(m, out var v) && double.IsFinite(v)))
            ?? PreferredMetrics[0];
        var metric = byStep
            .Where(e => e.Value.TryGetValue(name, out var v) && double.IsFinite(v))
            .Select(e => new CurvePoint(e.Key, e.Value[name]))
            .ToList();
        var lossPoints = loss.Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Step).ToList();
        return new RunCurves(jobName, lossPoints, name, metric);
    }
}
