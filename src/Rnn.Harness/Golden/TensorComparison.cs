namespace Rnn.Harness.Golden;

/// <summary>How far one computed tensor is from its reference: the largest absolute and relative errors.</summary>
public sealed record TensorComparison(string Name, double MaxAbsoluteError, double MaxRelativeError, bool WithinTolerance)
{
    public const double AbsoluteTolerance = 1e-5;
    public const double RelativeTolerance = 1e-4;

    /// <summary>Each element must be within 1e-5 absolute or 1e-4 relative of the reference.</summary>
    public static TensorComparison Compare(string name, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
            return new TensorComparison(name, double.PositiveInfinity, double.PositiveInfinity, false);
        double maxAbs = 0, maxRel = 0;
        var ok = true;
        for (var i = 0; i < actual.Length; i++)
        {
            var abs = Math.Abs((double)actual[i] - expected[i]);
            var rel = abs / Math.Max(Math.Abs((double)expected[i]), 1e-30);
            if (double.IsNaN(abs)) abs = rel = double.PositiveInfinity;
            maxAbs = Math.Max(maxAbs, abs);
            // Relative error is only meaningful away from zero; it is reported where |expected| > 1e-5.
            if (Math.Abs((double)expected[i]) > AbsoluteTolerance || abs > AbsoluteTolerance) maxRel = Math.Max(maxRel, rel);
            if (abs > AbsoluteTolerance && rel > RelativeTolerance) ok = false;
        }
        return new TensorComparison(name, maxAbs, maxRel, ok);
    }
}
