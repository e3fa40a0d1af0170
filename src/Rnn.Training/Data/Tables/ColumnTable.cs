using System.Globalization;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// The columns a data kind asked for from a CSV or Parquet file, by header name, row by row. A cell is a string
/// (CSV, Parquet text) or a number (Parquet numeric columns); <see cref="Numbers"/> and <see cref="Texts"/> give a
/// column in the form wanted, and every error names the file, the column and the row (CSV: its 1-based line; Parquet:
/// its 0-based row). Read with <see cref="Read"/>, which picks the reader by the file's extension.
/// </summary>
public sealed class ColumnTable
{
    private readonly Dictionary<string, string?[]> _texts;
    private readonly Dictionary<string, double?[]> _numbers;
    private readonly int[]? _lines;

    internal ColumnTable(string source, int rowCount, Dictionary<string, string?[]> texts, Dictionary<string, double?[]> numbers, int[]? lines)
    {
        Source = source;
        RowCount = rowCount;
        _texts = texts;
        _numbers = numbers;
        _lines = lines;
    }

    public string Source { get; }

    public int RowCount { get; }

    /// <summary>"line" (CSV, 1-based) or "row" (Parquet, 0-based): what <see cref="RowNumber"/> counts.</summary>
    public string RowWord => _lines is null ? "row" : "line";

    /// <summary>Where row <paramref name="row"/> is in the file: its CSV line or its Parquet row index.</summary>
    public int RowNumber(int row) => _lines is null ? row : _lines[row];

    /// <summary>"line 12" or "row 11".</summary>
    public string DescribeRow(int row) => $"{RowWord} {RowNumber(row)}";

    /// <summary>Reads <paramref name="columns"/> of a .csv (header row) or .parquet file.</summary>
    public static ColumnTable Read(string path, IReadOnlyCollection<string> columns)
    {
        var fullPath = DataFileReader.RequireFile(path, "table");
        var extension = Path.GetExtension(fullPath).ToLowerInvariant();
        return extension switch
        {
            ".csv" => CsvTableReader.Read(fullPath, columns),
            ".parquet" or ".pq" => ParquetTableReader.Read(fullPath, columns),
            _ => throw new DataFormatException(fullPath, $"has extension '{extension}'; tables are read from .csv or .parquet files"),
        };
    }

    /// <summary>The column as finite numbers (CSV text parsed with the invariant culture).</summary>
    public double[] Numbers(string column)
    {
        var values = new double[RowCount];
        if (_numbers.TryGetValue(column, out var numbers))
        {
            for (var r = 0; r < RowCount; r++)
                values[r] = numbers[r] is { } v && double.IsFinite(v)
                    ? v
                    : throw Error(column, r, numbers[r] is null ? "is empty (null)" : $"{numbers[r]} is not a finite number");
            return values;
        }
        var texts = Column(_texts, column);
        for (var r = 0; r < RowCount; r++)
        {
            var cell = texts[r];
            if (cell is null || !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                throw Error(column, r, cell is null ? "is empty (null)" : $"\"{cell}\" is not a number");
            // NaN and infinities parse, but would poison the normalisation and every gradient after them.
            values[r] = double.IsFinite(v) ? v : throw Error(column, r, $"\"{cell}\" is not a finite number");
        }
        return values;
    }

    /// <summary>The column as text (numbers formatted with the invariant culture); an empty cell is an error.</summary>
    public string[] Texts(string column)
    {
        var values = new string[RowCount];
        if (_numbers.TryGetValue(column, out var numbers))
        {
            for (var r = 0; r < RowCount; r++)
                values[r] = numbers[r]?.ToString("R", CultureInfo.InvariantCulture) ?? throw Error(column, r, "is empty (null)");
            return values;
        }
        var texts = Column(_texts, column);
        for (var r = 0; r < RowCount; r++)
            values[r] = string.IsNullOrEmpty(texts[r]) ? throw Error(column, r, "is empty") : texts[r]!;
        return values;
    }

    internal DataFormatException Error(string column, int row, string problem) =>
        new(Source, $"{DescribeRow(row)}, column '{column}': {problem}", _lines?[row]);

    private T[] Column<T>(Dictionary<string, T[]> columns, string column) =>
        columns.TryGetValue(column, out var values)
            ? values
            : throw new ArgumentException($"column '{column}' was not read from {Source}", nameof(column));

    /// <summary>The message for a requested column the file lacks.</summary>
    internal static DataFormatException MissingColumn(string source, string column, IEnumerable<string> existing, int? line) =>
        new(source, $"{(line is null ? "" : $"line {line}: ")}no column '{column}'; the columns are {string.Join(", ", existing.Select(n => $"'{n}'"))}", line);
}
