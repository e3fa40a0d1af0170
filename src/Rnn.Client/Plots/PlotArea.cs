namespace Rnn.Client.Plots;

/// <summary>
/// The data rectangle of a panel in image pixels and the axis ranges it maps: step → column, value → row (larger
/// values higher up).
/// </summary>
internal sealed record PlotArea(int Left, int Top, int Width, int Height, AxisTicks X, AxisTicks Y)
{
    public int Right => Left + Width - 1;

    public int Bottom => Top + Height - 1;

    public int Column(double step) => Left + (int)Math.Round((step - X.Minimum) / (X.Maximum - X.Minimum) * (Width - 1));

    public int Row(double value) => Bottom - (int)Math.Round((value - Y.Minimum) / (Y.Maximum - Y.Minimum) * (Height - 1));
}
