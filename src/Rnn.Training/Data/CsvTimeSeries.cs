using System.Globalization;
using System.Text;

namespace Rnn.Training.Data;

/// <summary>
/// Reads one numeric column of a CSV file with a header row (the "csv" data kind). Numbers are parsed with the
/// invariant culture, so "315.70" means the same on every machine. Every error names the file, the 1-based line
/// (the header is line 1) and the column by name and 1-based index.
/// </summary>
public static class CsvTimeSeries
{
    public static double[] ReadColumn(string path, string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var fullPath = DataFileReader.RequireFile(path, "CSV file");
        var text = File.ReadAllText(fullPath, Encoding.UTF8);
        var reader = new CsvRecordReader(fullPath, text);
        var cells = new List<string>();

        if (!reader.TryReadRecord(cells, out var headerLine))
            throw new DataFormatException(fullPath, "is empty: expected a header row and at least one data row", 1);
        var header = cells.ToArray();
        var columnIndex = FindColumn(fullPath, header, column, headerLine);
        var columnLabel = $"column '{column}' (column {columnIndex + 1})";

        var values = new List<double>();
        while (reader.TryReadRecord(cells, out var line))
        {
            if (cells.Count != header.Length)
            {
                var shortfall = cells.Count <= columnIndex ? $", so it has no {columnLabel}" : "";
                var fewOrMany = cells.Count < header.Length ? "too few" : "too many";
                throw new DataFormatException(fullPath,
                    $"line {line}: {fewOrMany} cells: found {cells.Count}, the header has {header.Length}{shortfall}", line);
            }
            values.Add(ParseCell(fullPath, cells[columnIndex], line, columnLabel));
        }
        if (values.Count == 0)
            throw new DataFormatException(fullPath,
                $"has only a header (line {headerLine}) and no data rows; {columnLabel} needs at least one value", headerLine);
        return values.ToArray();
    }

    private static int FindColumn(string fullPath, string[] header, string column, int headerLine)
    {
        var index = Array.IndexOf(header, column);
        if (index < 0)
        {
            var existing = string.Join(", ", header.Select((name, i) => $"'{name}' ({i + 1})"));
            throw new DataFormatException(fullPath,
                $"line {headerLine}: no column '{column}'; the columns are {existing}", headerLine);
        }
        var duplicate = Array.IndexOf(header, column, index + 1);
        if (duplicate >= 0)
            throw new DataFormatException(fullPath,
                $"line {headerLine}: column '{column}' appears twice (columns {index + 1} and {duplicate + 1}), so it is ambiguous",
                headerLine);
        return index;
    }

    private static double ParseCell(string fullPath, string cell, int line, string columnLabel)
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new DataFormatException(fullPath, $"line {line}, {columnLabel}: \"{cell}\" is not a number", line);
        // NaN and infinities parse, but would poison the normalisation and every gradient after it.
        if (!double.IsFinite(value))
            throw new DataFormatException(fullPath, $"line {line}, {columnLabel}: \"{cell}\" is not a finite number", line);
        return value;
    }
}
