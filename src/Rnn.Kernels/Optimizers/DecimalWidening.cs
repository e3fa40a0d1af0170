using System.Globalization;

namespace Rnn.Kernels.Optimizers;

/// <summary>
/// Turns a float hyper-parameter into the double a Python user would have typed: the shortest decimal that
/// round-trips the float (0.9f becomes 0.9, not 0.899999976). PyTorch computes 1 - beta1, lr / (1 - beta1^t) and the
/// like from Python doubles, so this is what makes our scalar coefficients equal to torch's bit for bit.
/// </summary>
internal static class DecimalWidening
{
    public static double ToDouble(float value)
    {
        if (!float.IsFinite(value)) return value;
        // Stack buffer: Adam widens the learning rate on every step and steps must not allocate.
        Span<char> text = stackalloc char[32];
        if (!value.TryFormat(text, out var written, "R", CultureInfo.InvariantCulture)) return value;
        return double.Parse(text[..written], NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
