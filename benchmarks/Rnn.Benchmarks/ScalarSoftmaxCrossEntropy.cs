using System.Runtime.CompilerServices;

namespace Rnn.Benchmarks;

/// <summary>
/// The softmax cross-entropy as it was before issue 22 made it vector code, kept for the side-by-side benchmark:
/// per row a scalar max, then e^(x_j − max) in double by a degree-13 Taylor polynomial (the former PortableExp) twice
/// per element, the sum in double in index order; and the scalar arg-max scan of the accuracy.
/// </summary>
internal static class ScalarSoftmaxCrossEntropy
{
    /// <summary>Rows whose first maximal element is the label, by the scalar scan Accuracy.ArgMax was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountCorrect(ReadOnlySpan<float> logits, int rows, int classes, ReadOnlySpan<int> labels)
    {
        var correct = 0;
        for (var row = 0; row < rows; row++)
        {
            var values = logits.Slice(row * classes, classes);
            var best = 0;
            for (var j = 1; j < values.Length; j++)
                if (values[j] > values[best]) best = j;
            if (best == labels[row]) correct++;
        }
        return correct;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Compute(ReadOnlySpan<float> logits, int rows, int classes, ReadOnlySpan<int> labels,
        Span<float> dLogits, float gradScale)
    {
        var total = 0.0;
        for (var row = 0; row < rows; row++)
        {
            var x = logits.Slice(row * classes, classes);
            var dx = dLogits.Slice(row * classes, classes);
            var label = labels[row];
            var max = x[0];
            for (var j = 1; j < x.Length; j++)
                if (x[j] > max) max = x[j];
            var sum = 0.0;
            foreach (var value in x) sum += Exp((double)value - max);
            total += Math.Log(sum) + max - x[label];
            for (var j = 0; j < classes; j++)
            {
                var probability = Exp((double)x[j] - max) / sum;
                dx[j] = (float)((j == label ? probability - 1.0 : probability) * gradScale);
            }
        }
        return (float)total;
    }

    private const double InverseLn2 = 1.4426950408889634;
    // ln 2 split so that k · Ln2High is exact for |k| < 2^11 (fdlibm's constants).
    private const double Ln2High = 6.93147180369123816490e-01;
    private const double Ln2Low = 1.90821492927058770002e-10;
    private const double OverflowAbove = 709.782712893384;
    private const double UnderflowBelow = -745.1332191019412;

    private static double Exp(double x)
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
