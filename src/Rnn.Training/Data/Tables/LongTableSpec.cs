using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// A long-format table, one row per time step: rows with the same <see cref="SequenceColumn"/> value form one
/// sequence, ordered by <see cref="OrderColumn"/> (or by file order without one). <see cref="TargetColumns"/> hold
/// one class column (string or integer labels) or K value columns, per sequence (the same on every row of it) or
/// per step.
/// </summary>
public sealed record LongTableSpec(string SequenceColumn, string? OrderColumn, IReadOnlyList<string> FeatureColumns,
    IReadOnlyList<string> TargetColumns, SequenceTargetKind TargetKind)
{
    /// <summary>Every column the table must have.</summary>
    public IReadOnlyCollection<string> Columns =>
        [SequenceColumn, .. OrderColumn is null ? Array.Empty<string>() : [OrderColumn], .. FeatureColumns, .. TargetColumns];

    /// <summary>
    /// Every column with whether it is read as numbers, in the order <see cref="LongTableSequences.Build"/> checks them
    /// (features, targets, the sequence id, the order): a table compacted in this order reports the same first bad cell.
    /// </summary>
    public IReadOnlyList<(string Column, bool Number)> Cells =>
    [
        .. FeatureColumns.Select(c => (c, true)), .. TargetColumns.Select(c => (c, !TargetKind.IsClass())), (SequenceColumn, false),
        .. OrderColumn is null ? Array.Empty<(string, bool)>() : [(OrderColumn, true)],
    ];

    internal void Validate()
    {
        if (FeatureColumns.Count == 0) throw new ArgumentException("at least one feature column is needed", nameof(FeatureColumns));
        if (TargetColumns.Count == 0 || (TargetKind.IsClass() && TargetColumns.Count != 1))
            throw new ArgumentException($"{TargetKind} needs {(TargetKind.IsClass() ? "exactly one target column" : "at least one target column")}",
                nameof(TargetColumns));
        var repeated = Columns.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new ArgumentException($"column '{repeated.Key}' is named twice (as sequence id, order, feature or target)", nameof(FeatureColumns));
    }
}
