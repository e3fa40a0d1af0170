namespace Rnn.Client.Plots;

/// <summary>
/// The run's curves as one picture: the job name on top, the training loss against step in the upper panel (blue)
/// and the test metric against step in the lower one (orange), sharing the step axis so that an evaluation lines up
/// with the loss at the same step.
/// </summary>
internal sealed class CurvesChart
{
    public const int Width = 960;
    public const int Height = 680;
    private const int HeaderHeight = 36;
    private const int LeftMargin = 110;
    private const int RightMargin = 30;
    private const int TitleHeight = 34;
    private const int AxisLabelHeight = 58;

    /// <summary>Above this many loss points the raw curve is drawn pale and a moving average on top of it.</summary>
    private const int SmoothingThreshold = 100;

    private static readonly RgbColor PaleLoss = new(190, 205, 235);

    private readonly RunCurves _curves;

    public CurvesChart(RunCurves curves)
    {
        _curves = curves;
        var lastStep = Math.Max(1, curves.Loss.Concat(curves.Metric).Select(p => p.Step).DefaultIfEmpty(1).Max());
        var x = AxisTicks.Cover(0, lastStep, 8);
        var panelHeight = (Height - HeaderHeight) / 2;
        var plotHeight = panelHeight - TitleHeight - AxisLabelHeight;
        LossArea = new PlotArea(LeftMargin, HeaderHeight + TitleHeight, Width - LeftMargin - RightMargin, plotHeight, x, RangeOf(curves.Loss));
        MetricArea = LossArea with { Top = HeaderHeight + panelHeight + TitleHeight, Y = RangeOf(curves.Metric) };
    }

    public PlotArea LossArea { get; }

    public PlotArea MetricArea { get; }

    public RgbImage Draw()
    {
        var image = new RgbImage(Width, Height, RgbColor.White);
        BitmapFont.Draw(image, LeftMargin, 10, _curves.JobName, RgbColor.Black, PlotPanel.TextScale);

        var loss = new PlotPanel(image, LossArea);
        var smoothed = _curves.Loss.Count > SmoothingThreshold;
        loss.DrawFrame(smoothed ? "train loss (pale: each step, dark: moving average)" : "train loss", "step");
        if (_curves.Loss.Count == 0)
        {
            loss.DrawMessage("no steps yet");
        }
        else if (smoothed)
        {
            loss.DrawLine(_curves.Loss, PaleLoss, 1);
            loss.DrawLine(MovingAverage(_curves.Loss), RgbColor.Loss, 2);
        }
        else
        {
            loss.DrawLine(_curves.Loss, RgbColor.Loss, 2);
        }

        var metric = new PlotPanel(image, MetricArea);
        metric.DrawFrame("test " + _curves.MetricName, "step");
        if (_curves.Metric.Count == 0)
        {
            metric.DrawMessage("no test evaluations");
        }
        else
        {
            metric.DrawLine(_curves.Metric, RgbColor.TestMetric, 2);
            metric.DrawMarkers(_curves.Metric, RgbColor.TestMetric);
        }
        return image;
    }

    private static AxisTicks RangeOf(IReadOnlyList<CurvePoint> points) =>
        points.Count == 0 ? AxisTicks.Cover(0, 1, 5) : AxisTicks.Cover(points.Min(p => p.Value), points.Max(p => p.Value), 5);

    /// <summary>
    /// An exponential moving average spanning about a fiftieth of the run: per-step loss of a minibatch is noisy, and
    /// its trend is what people look for.
    /// </summary>
    private static List<CurvePoint> MovingAverage(IReadOnlyList<CurvePoint> points)
    {
        var alpha = 2.0 / (points.Count / 50.0 + 1);
        var average = points[0].Value;
        var result = new List<CurvePoint>(points.Count);
        foreach (var point in points)
        {
            average += alpha * (point.Value - average);
            result.Add(point with { Value = average });
        }
        return result;
    }
}
