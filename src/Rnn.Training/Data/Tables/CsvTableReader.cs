using System.Text;

namespace Rnn.Training.Data.Tables;

/// <summary>Reads the wanted columns of a CSV file with a header row (RFC 4180, through <see cref="CsvRecordReader"/>).</summary>
internal static class CsvTableReader
{
    public static ColumnTable Read(string fullPath, IReadOnlyCollection<string> columns)
    {
        string text;
        try
        {
            text = File.ReadAllText(fullPath, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(fullPath, $"cannot be read: {e.Message}", innerException: e);
        }
        var reader = new CsvRecordReader(fullPath, text);
        var cells = new List<string>();
        if (!reader.TryReadRecord(cells, out var headerLine))
            throw new DataFormatException(fullPath, "is empty: expected a header row and at least one data row", 1);
        var header = cells.ToArray();
        var wanted = new List<(string Name, int Index, List<string?> Values)>();
        foreach (var column in columns.Distinct())
        {
            var index = Array.IndexOf(header, column);
            if (index < 0) throw ColumnTable.MissingColumn(fullPath, column, header, headerLine);
            var duplicate = Array.IndexOf(header, column, index + 1);
            if (duplicate >= 0)
                throw new DataFormatException(fullPath,
                    $"line {headerLine}: column '{column}' appears twice (columns {index + 1} and {duplicate + 1}), so it is ambiguous", headerLine);
            wanted.Add((column, index, []));
        }

        var lines = new List<int>();
        while (reader.TryReadRecord(cells, out var line))
        {
            if (cells.Count != header.Length)
                throw new DataFormatException(fullPath,
                    $"line {line}: {(cells.Count < header.Length ? "too few" : "too many")} cells: found {cells.Count}, the header has {header.Length}", line);
            foreach (var (_, index, values) in wanted) values.Add(cells[index]);
            lines.Add(line);
        }
        if (lines.Count == 0)
            throw new DataFormatException(fullPath, $"has only a header (line {headerLine}) and no data rows", headerLine);
        return new ColumnTable(fullPath, lines.Count, wanted.ToDictionary(w => w.Name, w => w.Values.ToArray()), [], [.. lines]);
    }
}
