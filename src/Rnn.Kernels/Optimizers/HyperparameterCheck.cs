namespace Rnn.Kernels.Optimizers;

/// <summary>Argument checks shared by the optimizers and schedules, with messages that name the bad value.</summary>
internal static class HyperparameterCheck
{
    public static void Length(int length, string name)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(name, length, "length must not be negative");
    }

    public static void NonNegativeFinite(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and >= 0");
    }

    public static void InUnitInterval(double value, string name)
    {
        if (!(value >= 0 && value < 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1)");
    }

    public static void Spans(int expected, int parameters, int gradients)
    {
        if (parameters != expected)
            throw new ArgumentException(
                $"parameters span holds {parameters} floats but the optimizer covers {expected}", "parameters");
        if (gradients != expected)
            throw new ArgumentException(
                $"gradients span holds {gradients} floats but the optimizer covers {expected}", "gradients");
    }

    /// <summary>A range [offset, offset + parameters) inside a block of <paramref name="length"/>, gradients as long.</summary>
    public static void Range(int length, int offset, int parameters, int gradients)
    {
        if (offset < 0 || parameters < 0 || offset > length - parameters)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"the range [{offset}, {(long)offset + parameters}) is not inside the optimizer's {length} floats");
        if (gradients != parameters)
            throw new ArgumentException($"gradients span holds {gradients} floats but the parameters span {parameters}", nameof(gradients));
    }
}
