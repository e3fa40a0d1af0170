using System.Text;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// Reads the wanted columns of a CSV file with a header row (RFC 4180, through <see cref="CsvRecordReader"/>), streamed
/// a block of rows at a time.
/// </summary>
internal static class CsvTableReader
{
    public static IEnumerable<ColumnTable> ReadChunks(string fullPath, IReadOnlyCollection<string> columns, int chunkRows)
    {
        StreamReader stream;
        try
        {
            stream = new StreamReader(fullPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true,
                new FileStreamOptions { BufferSize = 1 << 16, Options = FileOptions.SequentialScan });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(fullPath, $"cannot be read: {e.Message}", innerException: e);
        }
        return Chunks(fullPath, stream, columns, chunkRows);
    }

    private static IEnumerable<ColumnTable> Chunks(string fullPath, StreamReader stream, IReadOnlyCollection<string> columns, int chunkRows)
    {
        using var owned = stream;
        var reader = new CsvRecordReader(fullPath, stream);
        var cells = new List<string>();
        if (!reader.TryReadRecord(cells, out var headerLine))
            throw new DataFormatException(fullPath, "is empty: expected a header row and at least one data row", 1);
        var header = cells.ToArray();
        var wanted = new List<(string Name, int Index)>();
        foreach (var column in columns.Distinct())
        {
            var index = Array.IndexOf(header, column);
            if (index < 0) throw ColumnTable.MissingColumn(fullPath, column, header, headerLine);
            var duplicate = Array.IndexOf(header, column, index + 1);
            if (duplicate >= 0)
                throw new DataFormatException(fullPath,
                    $"line {headerLine}: column '{column}' appears twice (columns {index + 1} and {duplicate + 1}), so it is ambiguous", headerLine);
            wanted.Add((column, index));
        }

        var values = wanted.Select(_ => new List<string?>()).ToArray();
        var lines = new List<int>();
        var any = false;
        ColumnTable Take()
        {
            var table = new ColumnTable(fullPath, lines.Count,
                wanted.Select((w, i) => (w.Name, Values: values[i].ToArray())).ToDictionary(p => p.Name, p => p.Values), [], [.. lines], lines: true);
            foreach (var list in values) list.Clear();
            lines.Clear();
            return table;
        }
        while (reader.TryReadRecord(cells, out var line))
        {
            if (cells.Count != header.Length)
                throw new DataFormatException(fullPath,
                    $"line {line}: {(cells.Count < header.Length ? "too few" : "too many")} cells: found {cells.Count}, the header has {header.Length}", line);
            for (var i = 0; i < wanted.Count; i++) values[i].Add(cells[wanted[i].Index]);
            lines.Add(line);
            any = true;
            if (lines.Count == chunkRows) yield return Take();
        }
        if (!any)
            throw new DataFormatException(fullPath, $"has only a header (line {headerLine}) and no data rows", headerLine);
        if (lines.Count > 0) yield return Take();
    }
}
