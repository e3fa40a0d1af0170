namespace Rnn.Client.Plots;

/// <summary>A 24-bit colour, as the PNG's colour type 2 (truecolour, 8 bits per channel) stores it.</summary>
internal readonly record struct RgbColor(byte R, byte G, byte B)
{
    public static RgbColor White { get; } = new(255, 255, 255);
    public static RgbColor Black { get; } = new(0, 0, 0);
    public static RgbColor Grid { get; } = new(225, 225, 225);
    public static RgbColor Axis { get; } = new(60, 60, 60);

    /// <summary>The loss curve: a dark blue that stays readable on white and in greyscale prints.</summary>
    public static RgbColor Loss { get; } = new(31, 95, 191);

    /// <summary>The test metric: orange, so that the two panels cannot be confused.</summary>
    public static RgbColor TestMetric { get; } = new(230, 110, 20);
}
