namespace Rnn.Harness.Golden;

/// <summary>The outcome of one reference case: every tensor compared, or the reason it could not be checked.</summary>
public sealed record GoldenCaseResult(string File, string Description, IReadOnlyList<TensorComparison> Comparisons, string? Failure)
{
    public bool Passed => Failure is null && Comparisons.Count > 0 && Comparisons.All(c => c.WithinTolerance);

    public TensorComparison? Worst => Comparisons.Count == 0 ? null : Comparisons.MaxBy(c => c.WithinTolerance ? c.MaxAbsoluteError : double.PositiveInfinity);

    /// <summary>One line: PASS/FAIL, the case, and its largest errors (or why it failed).</summary>
    public string Summary()
    {
        var name = Path.GetFileName(File);
        if (Failure is not null) return $"FAIL {name}: {Failure}";
        var maxAbs = Comparisons.Max(c => c.MaxAbsoluteError);
        var maxRel = Comparisons.Max(c => c.MaxRelativeError);
        var worst = Comparisons.MaxBy(c => c.MaxAbsoluteError)!;
        var bad = Comparisons.Where(c => !c.WithinTolerance).Select(c => c.Name).ToArray();
        var status = bad.Length == 0 ? "PASS" : "FAIL";
        var detail = bad.Length == 0 ? "" : $"; out of tolerance: {string.Join(", ", bad)}";
        return $"{status} {name} ({Description}): {Comparisons.Count} tensors, max abs error {maxAbs:0.00e+0} ({worst.Name}), max rel error {maxRel:0.00e+0}{detail}";
    }
}
