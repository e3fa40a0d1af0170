namespace Rnn.Client.Plots;

/// <summary>
/// Draws one panel of the chart: title, grid, frame, tick labels on both axes, the x axis label, and line series
/// clipped to the data rectangle.
/// </summary>
internal sealed class PlotPanel(RgbImage image, PlotArea area)
{
    /// <summary>Font scale of titles and tick labels: 5×7 glyphs at ×2 read like a 14 px font.</summary>
    public const int TextScale = 2;

    public PlotArea Area => area;

    public void DrawFrame(string title, string xLabel)
    {
        var textHeight = BitmapFont.MeasureHeight(TextScale);
        BitmapFont.Draw(image, area.Left, area.Top - textHeight - 8, title, RgbColor.Black, TextScale);

        foreach (var x in area.X.Values)
        {
            var column = area.Column(x);
            image.DrawVerticalLine(column, area.Top, area.Bottom, RgbColor.Grid);
            image.DrawVerticalLine(column, area.Bottom, area.Bottom + 4, RgbColor.Axis);
            var label = area.X.Format(x);
            BitmapFont.Draw(image, column - BitmapFont.MeasureWidth(label, TextScale) / 2, area.Bottom + 8, label, RgbColor.Axis, TextScale);
        }
        foreach (var y in area.Y.Values)
        {
            var row = area.Row(y);
            image.DrawHorizontalLine(area.Left, area.Right, row, RgbColor.Grid);
            image.DrawHorizontalLine(area.Left - 4, area.Left, row, RgbColor.Axis);
            var label = area.Y.Format(y);
            BitmapFont.Draw(image, area.Left - 8 - BitmapFont.MeasureWidth(label, TextScale), row - textHeight / 2, label, RgbColor.Axis, TextScale);
        }
        image.DrawHorizontalLine(area.Left, area.Right, area.Top, RgbColor.Axis);
        image.DrawHorizontalLine(area.Left, area.Right, area.Bottom, RgbColor.Axis);
        image.DrawVerticalLine(area.Left, area.Top, area.Bottom, RgbColor.Axis);
        image.DrawVerticalLine(area.Right, area.Top, area.Bottom, RgbColor.Axis);

        BitmapFont.Draw(image, area.Right - BitmapFont.MeasureWidth(xLabel, TextScale), area.Bottom + 12 + textHeight, xLabel, RgbColor.Axis, TextScale);
    }

    /// <summary>The points joined in order; consecutive points on the same pixel are drawn once.</summary>
    public void DrawLine(IReadOnlyList<CurvePoint> points, RgbColor color, int thickness)
    {
        if (points.Count == 1) DrawMarkers(points, color);
        for (var i = 1; i < points.Count; i++)
        {
            int x0 = Clip(area.Column(points[i - 1].Step), area.Left, area.Right), y0 = Clip(area.Row(points[i - 1].Value), area.Top, area.Bottom);
            int x1 = Clip(area.Column(points[i].Step), area.Left, area.Right), y1 = Clip(area.Row(points[i].Value), area.Top, area.Bottom);
            image.DrawLine(x0, y0, x1, y1, color, thickness);
        }
    }

    /// <summary>A filled square on each point, so that a few evaluations are visible as measurements, not a trend.</summary>
    public void DrawMarkers(IReadOnlyList<CurvePoint> points, RgbColor color)
    {
        foreach (var point in points)
        {
            var x = Clip(area.Column(point.Step), area.Left, area.Right);
            var y = Clip(area.Row(point.Value), area.Top, area.Bottom);
            image.FillRectangle(x - 3, y - 3, 7, 7, color);
        }
    }

    /// <summary>A message in the middle of the data rectangle, for a panel without data.</summary>
    public void DrawMessage(string message)
    {
        var width = BitmapFont.MeasureWidth(message, TextScale);
        BitmapFont.Draw(image, area.Left + (area.Width - width) / 2, area.Top + (area.Height - BitmapFont.MeasureHeight(TextScale)) / 2,
            message, RgbColor.Axis, TextScale);
    }

    private static int Clip(int value, int low, int high) => Math.Clamp(value, low, high);
}
