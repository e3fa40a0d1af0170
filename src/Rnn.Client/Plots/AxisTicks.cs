using System.Globalization;

namespace Rnn.Client.Plots;

/// <summary>
/// An axis range widened to "nice" tick values (1, 2 or 5 × a power of ten), so that tick labels are short numbers
/// people read at a glance, with the number of decimals the spacing needs.
/// </summary>
internal sealed class AxisTicks
{
    private AxisTicks(double minimum, double maximum, double spacing)
    {
        Minimum = minimum;
        Maximum = maximum;
        Spacing = spacing;
        Decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(spacing) + 1e-9));
    }

    public double Minimum { get; }

    public double Maximum { get; }

    public double Spacing { get; }

    public int Decimals { get; }

    public IEnumerable<double> Values
    {
        get
        {
            var count = (int)Math.Round((Maximum - Minimum) / Spacing);
            for (var i = 0; i <= count; i++) yield return Minimum + i * Spacing;
        }
    }

    /// <summary>About <paramref name="targetCount"/> intervals covering [low, high]; a flat range is widened around its value.</summary>
    public static AxisTicks Cover(double low, double high, int targetCount)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high)) (low, high) = (0, 1);
        if (high < low) (low, high) = (high, low);
        if (high - low < 1e-12 * Math.Max(1, Math.Abs(high)))
        {
            // A constant curve (e.g. a loss that does not move) sits in the middle of the panel, not on its edge.
            var half = Math.Abs(high) > 0 ? Math.Abs(high) * 0.1 : 0.5;
            (low, high) = (low - half, high + half);
        }
        var spacing = NiceSpacing((high - low) / targetCount);
        var minimum = Math.Floor(low / spacing + 1e-9) * spacing;
        var maximum = Math.Ceiling(high / spacing - 1e-9) * spacing;
        return new AxisTicks(minimum, maximum, spacing);
    }

    public string Format(double value)
    {
        // Rounding first keeps "-0" and 0.30000000000000004 out of the labels.
        var rounded = Math.Round(value, Math.Min(Decimals, 15));
        if (rounded == 0) rounded = 0;
        var magnitude = Math.Abs(rounded);
        return magnitude is >= 1e6 or (> 0 and < 1e-4)
            ? rounded.ToString("0.##e+0", CultureInfo.InvariantCulture)
            : rounded.ToString("F" + Decimals, CultureInfo.InvariantCulture);
    }

    private static double NiceSpacing(double rough)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / power;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }
}
