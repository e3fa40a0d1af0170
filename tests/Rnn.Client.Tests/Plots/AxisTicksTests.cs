using Rnn.Client.Plots;

namespace Rnn.Client.Tests.Plots;

public sealed class AxisTicksTests
{
    [Fact]
    public void Range_is_widened_to_nice_ticks()
    {
        var ticks = AxisTicks.Cover(0.83, 2.31, 5);
        Assert.Equal(0.5, ticks.Spacing, 12);
        Assert.Equal(0.5, ticks.Minimum, 12);
        Assert.Equal(2.5, ticks.Maximum, 12);
        Assert.Equal(["0.5", "1.0", "1.5", "2.0", "2.5"], ticks.Values.Select(ticks.Format));
    }

    [Fact]
    public void Step_axis_has_whole_numbers()
    {
        var ticks = AxisTicks.Cover(0, 1000, 8);
        Assert.Equal(200, ticks.Spacing);
        Assert.Equal("1000", ticks.Format(1000));
    }

    [Fact]
    public void Flat_range_is_centred_on_its_value()
    {
        var ticks = AxisTicks.Cover(1.0, 1.0, 5);
        Assert.True(ticks.Minimum < 1.0 && ticks.Maximum > 1.0);
        Assert.Equal(1.0, (ticks.Minimum + ticks.Maximum) / 2, 6);
    }

    [Fact]
    public void Tiny_values_use_exponents()
    {
        var ticks = AxisTicks.Cover(1e-6, 5e-6, 4);
        Assert.Contains("e-", ticks.Format(ticks.Values.Skip(1).First()));
    }
}
