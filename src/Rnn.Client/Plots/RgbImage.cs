namespace Rnn.Client.Plots;

/// <summary>
/// An RGB raster, rows top to bottom, 3 bytes a pixel, with the few drawing operations a line chart needs. Drawing
/// outside the image is clipped silently: callers compute positions from data and need not check each one.
/// </summary>
internal sealed class RgbImage
{
    public RgbImage(int width, int height, RgbColor background)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
        FillRectangle(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Row-major RGB bytes, <see cref="Width"/>×3 per row.</summary>
    public byte[] Pixels { get; }

    public RgbColor GetPixel(int x, int y)
    {
        var i = (y * Width + x) * 3;
        return new RgbColor(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    public void SetPixel(int x, int y, RgbColor color)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        var i = (y * Width + x) * 3;
        Pixels[i] = color.R;
        Pixels[i + 1] = color.G;
        Pixels[i + 2] = color.B;
    }

    public void FillRectangle(int x, int y, int width, int height, RgbColor color)
    {
        for (var row = y; row < y + height; row++)
        {
            for (var column = x; column < x + width; column++) SetPixel(column, row, color);
        }
    }

    public void DrawHorizontalLine(int x0, int x1, int y, RgbColor color)
    {
        for (var x = Math.Min(x0, x1); x <= Math.Max(x0, x1); x++) SetPixel(x, y, color);
    }

    public void DrawVerticalLine(int x, int y0, int y1, RgbColor color)
    {
        for (var y = Math.Min(y0, y1); y <= Math.Max(y0, y1); y++) SetPixel(x, y, color);
    }

    /// <summary>
    /// Bresenham's line from (x0, y0) to (x1, y1), both ends included, drawn with a square brush of
    /// <paramref name="thickness"/> pixels: one-pixel lines are hard to see on a high-resolution screen.
    /// </summary>
    public void DrawLine(int x0, int y0, int x1, int y1, RgbColor color, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
        int dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
        var error = dx + dy;
        while (true)
        {
            FillRectangle(x0 - (thickness - 1) / 2, y0 - (thickness - 1) / 2, thickness, thickness, color);
            if (x0 == x1 && y0 == y1) return;
            var doubled = 2 * error;
            if (doubled >= dy)
            {
                error += dy;
                x0 += sx;
            }
            if (doubled <= dx)
            {
                error += dx;
                y0 += sy;
            }
        }
    }
}
