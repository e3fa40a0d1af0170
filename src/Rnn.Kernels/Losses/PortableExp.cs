namespace Rnn.Kernels.Losses;

/// <summary>
/// e^x in double from additions and multiplications only. Math.Exp defers to the C runtime, whose last bit differs
/// between platforms; softmax gradients feed the parameters, and the determinism contract says silos on any machine
/// produce the same bits. Accuracy is within a few double ulps, far below the float32 results it feeds.
/// </summary>
internal static class PortableExp
{
    private const double InverseLn2 = 1.4426950408889634;
    // ln 2 split so that k · Ln2High is exact for |k| < 2^11 (fdlibm's constants).
    private const double Ln2High = 6.93147180369123816490e-01;
    private const double Ln2Low = 1.90821492927058770002e-10;
    private const double OverflowAbove = 709.782712893384;
    private const double UnderflowBelow = -745.1332191019412;

    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > OverflowAbove) return double.PositiveInfinity;
        if (x < UnderflowBelow) return 0.0;

        // x = k·ln2 + r with |r| <= ln2/2, so e^x = 2^k · e^r
        var k = Math.Round(x * InverseLn2);
        var r = (x - k * Ln2High) - k * Ln2Low;

        // e^r = Σ_{n=0..13} r^n / n! by Horner; the first omitted term is below 4e-18 for |r| <= 0.347
        var p = 1.0 / 6227020800.0;
        p = p * r + 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        return Math.ScaleB(p, (int)k);
    }
}
