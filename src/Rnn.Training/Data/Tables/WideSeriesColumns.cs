using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// The columns of a wide series as numbers (and the class column's labels), read a block of rows at a time so that
/// the file's text is never held whole: what every window is cut from. Far smaller than the windows themselves,
/// which repeat each row <c>window</c> times.
/// </summary>
/// <param name="Features">The feature columns' levels, [column][row].</param>
/// <param name="Targets">The value target columns, [column][row] (none for a class target).</param>
/// <param name="ClassLabels">The class column's labels per row, or null for value targets.</param>
/// <param name="RowNumbers">Each row's CSV line or Parquet row, for messages.</param>
public sealed record WideSeriesColumns(string Source, string RowWord, int Rows, double[][] Features, double[][] Targets,
    string[]? ClassLabels, int[] RowNumbers)
{
    /// <summary>Rows per block while reading.</summary>
    private const int ChunkRows = 1 << 16;

    public static WideSeriesColumns Read(string path, WideSeriesSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        string? source = null, rowWord = null;
        var features = spec.FeatureColumns.Select(_ => new List<double>()).ToArray();
        var targets = spec.TargetKind.IsClass() ? [] : spec.TargetColumns.Select(_ => new List<double>()).ToArray();
        var labels = spec.TargetKind.IsClass() ? new List<string>() : null;
        var rowNumbers = new List<int>();
        foreach (var chunk in ColumnTable.ReadChunks(path, spec.Columns, ChunkRows))
        {
            (source, rowWord) = (chunk.Source, chunk.RowWord);
            for (var c = 0; c < features.Length; c++) features[c].AddRange(chunk.Numbers(spec.FeatureColumns[c]));
            if (labels is not null) labels.AddRange(chunk.Texts(spec.TargetColumns[0]));
            else for (var c = 0; c < targets.Length; c++) targets[c].AddRange(chunk.Numbers(spec.TargetColumns[c]));
            for (var r = 0; r < chunk.RowCount; r++) rowNumbers.Add(chunk.RowNumber(r));
        }
        return new WideSeriesColumns(source!, rowWord!, rowNumbers.Count, [.. features.Select(f => f.ToArray())],
            [.. targets.Select(t => t.ToArray())], labels?.ToArray(), [.. rowNumbers]);
    }
}
