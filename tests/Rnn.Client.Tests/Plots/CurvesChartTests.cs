using Rnn.Client.Plots;

namespace Rnn.Client.Tests.Plots;

public sealed class CurvesChartTests
{
    private static readonly IReadOnlyDictionary<string, double> NoMetrics = new Dictionary<string, double>();

    [Fact]
    public void Chart_is_a_valid_png_of_the_chart_size_with_both_curves_drawn()
    {
        var loss = Enumerable.Range(1, 300).Select(s => new CurvePoint(s, 2.3 * Math.Exp(-s / 100.0) + 0.05 * Math.Sin(s)));
        var evaluations = new[] { 100L, 200, 300 }.Select(s => (s, (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["accuracy"] = s / 400.0, ["loss"] = 1 }));
        var curves = RunCurves.From("seq-mnist", loss, evaluations);

        var png = DecodedPng.Decode(PngEncoder.Encode(new CurvesChart(curves).Draw()));

        Assert.Equal((CurvesChart.Width, CurvesChart.Height), (png.Width, png.Height));
        Assert.Equal("accuracy", curves.MetricName);
        Assert.True(CountPixels(png, RgbColor.Loss) > 500, "the loss curve is drawn");
        Assert.True(CountPixels(png, RgbColor.TestMetric) > 100, "the test metric is drawn");
    }

    [Fact]
    public void Flat_loss_is_a_horizontal_line_across_the_middle_of_the_loss_panel()
    {
        var curves = RunCurves.From("flat", Enumerable.Range(1, 50).Select(s => new CurvePoint(s, 1.0)), []);
        var chart = new CurvesChart(curves);
        var png = DecodedPng.Decode(PngEncoder.Encode(chart.Draw()));
        var area = chart.LossArea;

        var rows = Enumerable.Range(0, png.Height).Where(y => Enumerable.Range(0, png.Width).Any(x => png[x, y] == RgbColor.Loss)).ToList();
        Assert.NotEmpty(rows);
        // A 2-pixel brush: the line is at most 2 rows, around the row of 1.0, which sits mid-panel.
        Assert.True(rows.Count <= 2, $"rows {string.Join(',', rows)}");
        Assert.InRange(rows[0], area.Row(1.0) - 1, area.Row(1.0) + 1);
        Assert.InRange(rows[0], area.Top + area.Height / 2 - 3, area.Top + area.Height / 2 + 3);
        // It runs from the first step to the last: steps 1..50 on an axis from 0.
        var columns = Enumerable.Range(0, png.Width).Where(x => png[x, rows[0]] == RgbColor.Loss).ToList();
        Assert.InRange(columns[0], area.Column(1) - 1, area.Column(1) + 1);
        Assert.InRange(columns[^1], area.Column(50) - 1, area.Column(50) + 1);
        Assert.Equal(columns[^1] - columns[0] + 1, columns.Count);
    }

    [Fact]
    public void Run_without_evaluations_still_gives_a_chart()
    {
        var curves = RunCurves.From("no-eval", [new CurvePoint(1, 2.0), new CurvePoint(2, 1.5)], []);
        var png = DecodedPng.Decode(PngEncoder.Encode(new CurvesChart(curves).Draw()));
        Assert.Equal(0, CountPixels(png, RgbColor.TestMetric));
        Assert.True(CountPixels(png, RgbColor.Loss) > 0);
    }

    [Fact]
    public void Metric_is_the_one_the_run_has_and_a_repeated_final_evaluation_counts_once()
    {
        IReadOnlyDictionary<string, double> At(double bpc) => new Dictionary<string, double> { ["loss"] = 2, ["bits_per_char"] = bpc };
        var curves = RunCurves.From("chars", [], [(100, At(3.1)), (200, At(2.5)), (200, At(2.4))]);

        Assert.Equal("bits_per_char", curves.MetricName);
        Assert.Equal([new CurvePoint(100, 3.1), new CurvePoint(200, 2.4)], curves.Metric);
        Assert.Equal("rmse", RunCurves.From("reg", [], [(5, new Dictionary<string, double> { ["rmse"] = 0.3, ["loss"] = 0.1 })]).MetricName);
        Assert.Equal("loss", RunCurves.From("only-loss", [], [(5, new Dictionary<string, double> { ["loss"] = 0.1 })]).MetricName);
        Assert.Empty(RunCurves.From("none", [], [(5, NoMetrics)]).Metric);
    }

    private static int CountPixels(DecodedPng png, RgbColor color)
    {
        var count = 0;
        for (var y = 0; y < png.Height; y++)
        {
            for (var x = 0; x < png.Width; x++) if (png[x, y] == color) count++;
        }
        return count;
    }
}
