using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// Turns a long-format table (one row per step) into variable-length sequences. Sequences come in the order their
/// id first appears; steps in the order of the order column (ties are an error: the order would be a guess) or of
/// the file. String class targets become class indices in <see cref="ClassNameOrder"/>; the names travel with the
/// data set and are re-fitted to the training split by <see cref="SplitDatasets.FromTraining"/>. A shard's partition
/// is the same <see cref="Build"/> over only its sequences' rows (<see cref="ColumnTable.Rows"/>), with the class names
/// fixed at resolution.
/// </summary>
public static class LongTableSequences
{
    /// <summary>Rows per block while a CSV file streams (each block is compacted before the next is read).</summary>
    internal const int ChunkRows = 1 << 14;

    /// <summary>The whole file, streamed a block of rows at a time, each block held compactly (<see cref="ColumnTable.Compact"/>).</summary>
    public static SequenceDataset Read(string path, LongTableSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        return Build(ColumnTable.Concat(ColumnTable.ReadChunks(path, spec.Columns, ChunkRows).Select(c => c.Compact(spec.Cells)).ToArray()), spec);
    }

    /// <param name="table">Every row of each sequence wanted (a whole file, or some sequences' rows of it).</param>
    /// <param name="spec">The columns.</param>
    /// <param name="classNames">The class names to index string targets by (a resolved job's); null: those of the table, sorted.</param>
    public static SequenceDataset Build(ColumnTable table, LongTableSpec spec, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var features = spec.FeatureColumns.Select(table.Numbers).ToArray();
        var classLabels = spec.TargetKind.IsClass() ? table.Texts(spec.TargetColumns[0]) : null;
        var values = spec.TargetKind.IsClass() ? [] : spec.TargetColumns.Select(table.Numbers).ToArray();

        if (classLabels is not null) classNames ??= ClassNameOrder.Sort(classLabels);
        else classNames = null;
        var classIndex = classNames is null ? null : new ClassIndex(classNames);
        var perStep = spec.TargetKind.IsPerStep();
        var width = spec.TargetKind.IsClass() ? 1 : values.Length;
        var builder = new SequenceDatasetBuilder(features.Length, spec.TargetKind, width, withIds: true);
        var stepFeatures = new List<float>();
        var stepClasses = new List<int>();
        var stepValues = new List<float>();
        foreach (var (id, rows) in Sequences(table, spec.SequenceColumn, spec.OrderColumn))
        {
            stepFeatures.Clear();
            stepClasses.Clear();
            stepValues.Clear();
            foreach (var r in rows)
                foreach (var column in features) stepFeatures.Add((float)column[r]);
            var targetRows = perStep ? rows : [rows[0]];
            if (!perStep) RequireConstantTarget(table, spec, id, rows, classLabels, values);
            foreach (var r in targetRows)
            {
                if (classLabels is not null) stepClasses.Add(classIndex!.Of(classLabels[r], problem => table.Error(spec.TargetColumns[0], r, problem)));
                else foreach (var column in values) stepValues.Add((float)column[r]);
            }
            builder.Add(rows.Count, stepFeatures.ToArray(), [], stepClasses.ToArray(), stepValues.ToArray(), table.RowNumber(rows[0]), id);
        }
        return builder.Build(table.Source, table.RowWord, classNames);
    }

    private static void RequireConstantTarget(ColumnTable table, LongTableSpec spec, string id, List<int> rows, string[]? classLabels, double[][] values)
    {
        var first = rows[0];
        foreach (var r in rows)
            for (var c = 0; c < spec.TargetColumns.Count; c++)
            {
                var same = classLabels is not null ? classLabels[r] == classLabels[first] : values[c][r] == values[c][first];
                if (same) continue;
                string Show(int row) => classLabels is not null ? $"'{classLabels[row]}'" : values[c][row].ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw new DataFormatException(table.Source,
                    $"sequence '{id}': column '{spec.TargetColumns[c]}' is {Show(first)} on {table.DescribeRow(first)} but {Show(r)} on " +
                    $"{table.DescribeRow(r)}; a per-sequence target must be the same on every row of its sequence (or use a per-step target)",
                    table.RowNumber(r));
            }
    }

    /// <summary>
    /// The rows of each sequence, sequences in the order their ids first appear, steps by the order column when given
    /// (else in file order); two steps of one sequence with the same order value are an error naming both rows.
    /// </summary>
    public static IEnumerable<(string Id, List<int> Rows)> Sequences(ColumnTable table, string sequenceColumn, string? orderColumn)
    {
        var ids = table.Texts(sequenceColumn);
        var order = orderColumn is null ? null : table.Numbers(orderColumn);
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var firstSeen = new List<string>();
        for (var r = 0; r < table.RowCount; r++)
        {
            if (!groups.TryGetValue(ids[r], out var rows))
            {
                groups[ids[r]] = rows = [];
                firstSeen.Add(ids[r]);
            }
            rows.Add(r);
        }
        foreach (var id in firstSeen)
        {
            var rows = groups[id];
            if (order is not null)
            {
                rows = rows.OrderBy(r => order[r]).ToList();
                for (var i = 1; i < rows.Count; i++)
                    if (order[rows[i]] == order[rows[i - 1]])
                        throw new DataFormatException(table.Source,
                            $"sequence '{id}': {table.DescribeRow(rows[i - 1])} and {table.DescribeRow(rows[i])} have the same " +
                            $"'{orderColumn}' ({order[rows[i]]}), so the order of their steps is undefined", table.RowNumber(rows[i]));
            }
            yield return (id, rows);
        }
    }
}
