using System.Globalization;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// The columns a data kind asked for from a CSV or Parquet file, by header name, row by row. A cell is a string
/// (CSV, Parquet text) or a number (Parquet numeric columns); <see cref="Numbers"/> and <see cref="Texts"/> give a
/// column in the form wanted (<see cref="Number"/> and <see cref="Text"/> one cell), and every error names the file,
/// the column and the row (CSV: its 1-based line; Parquet: its 0-based row). Read whole with <see cref="Read"/>, or a
/// block of rows at a time with <see cref="ReadChunks"/> (a shard keeps only its own rows: <see cref="Rows"/>); either
/// picks the reader by the file's extension, and a table of some rows still names each by its place in the file.
/// </summary>
public sealed class ColumnTable
{
    private readonly Dictionary<string, string?[]> _texts;
    private readonly Dictionary<string, double?[]> _numbers;
    private readonly Dictionary<string, double[]> _checked;
    private readonly int[] _rowNumbers;
    private readonly bool _lines;

    /// <param name="rowNumbers">Each row's CSV line (1-based) or Parquet row (0-based) in the file.</param>
    /// <param name="lines">True when <paramref name="rowNumbers"/> are CSV lines.</param>
    /// <param name="checkedNumbers">Columns already checked to be finite numbers (<see cref="Compact"/>); null for none.</param>
    internal ColumnTable(string source, int rowCount, Dictionary<string, string?[]> texts, Dictionary<string, double?[]> numbers,
        int[] rowNumbers, bool lines, Dictionary<string, double[]>? checkedNumbers = null)
    {
        _checked = checkedNumbers ?? [];
        Source = source;
        RowCount = rowCount;
        _texts = texts;
        _numbers = numbers;
        _rowNumbers = rowNumbers;
        _lines = lines;
    }

    public string Source { get; }

    public int RowCount { get; }

    /// <summary>"line" (CSV, 1-based) or "row" (Parquet, 0-based): what <see cref="RowNumber"/> counts.</summary>
    public string RowWord => _lines ? "line" : "row";

    /// <summary>Where row <paramref name="row"/> is in the file: its CSV line or its Parquet row index.</summary>
    public int RowNumber(int row) => _rowNumbers[row];

    /// <summary>"line 12" or "row 11".</summary>
    public string DescribeRow(int row) => $"{RowWord} {RowNumber(row)}";

    /// <summary>Reads <paramref name="columns"/> of a .csv (header row) or .parquet file, every row.</summary>
    public static ColumnTable Read(string path, IReadOnlyCollection<string> columns) =>
        Concat(ReadChunks(path, columns, int.MaxValue).ToArray());

    /// <summary>
    /// Reads <paramref name="columns"/> a block at a time: up to <paramref name="chunkRows"/> rows of a CSV file (which is
    /// streamed), or one row group of a Parquet file. The header and the columns are checked before the first block;
    /// a file without data rows is an error.
    /// </summary>
    public static IEnumerable<ColumnTable> ReadChunks(string path, IReadOnlyCollection<string> columns, int chunkRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        var fullPath = DataFileReader.RequireFile(path, "table");
        var extension = Path.GetExtension(fullPath).ToLowerInvariant();
        return extension switch
        {
            ".csv" => CsvTableReader.ReadChunks(fullPath, columns, chunkRows),
            ".parquet" or ".pq" => ParquetTableReader.ReadChunks(fullPath, columns),
            _ => throw new DataFormatException(fullPath, $"has extension '{extension}'; tables are read from .csv or .parquet files"),
        };
    }

    /// <summary>The rows of several blocks of one file, in order, as one table.</summary>
    public static ColumnTable Concat(IReadOnlyList<ColumnTable> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0) throw new ArgumentException("no blocks to join", nameof(chunks));
        if (chunks.Count == 1) return chunks[0];
        var first = chunks[0];
        var rows = chunks.Sum(c => c.RowCount);
        T[] Join<T>(Func<ColumnTable, T[]> column)
        {
            var joined = new T[rows];
            var at = 0;
            foreach (var chunk in chunks)
            {
                column(chunk).AsSpan(0, chunk.RowCount).CopyTo(joined.AsSpan(at));
                at += chunk.RowCount;
            }
            return joined;
        }
        return new ColumnTable(first.Source, rows,
            first._texts.Keys.ToDictionary(k => k, k => Join(c => c._texts[k])),
            first._numbers.Keys.ToDictionary(k => k, k => Join(c => c._numbers[k])),
            Join(c => c._rowNumbers), first._lines,
            first._checked.Keys.ToDictionary(k => k, k => Join(c => c._checked[k])));
    }

    /// <summary>The rows at <paramref name="rows"/> (in that order), each keeping its place in the file for messages.</summary>
    public ColumnTable Rows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        T[] Pick<T>(T[] column) => rows.Select(r => column[r]).ToArray();
        return new ColumnTable(Source, rows.Count, _texts.ToDictionary(p => p.Key, p => Pick(p.Value)),
            _numbers.ToDictionary(p => p.Key, p => Pick(p.Value)), Pick(_rowNumbers), _lines,
            _checked.ToDictionary(p => p.Key, p => Pick(p.Value)));
    }

    /// <summary>
    /// The table held compactly, its cells checked column by column in the order given (so the first bad cell is the
    /// one <see cref="Numbers"/> and <see cref="Texts"/> called in that order would report): a number column as
    /// finite numbers, a text column's equal cells as one string (a long table repeats its ids and labels on every
    /// row). <see cref="Numbers"/> and <see cref="Texts"/> give the same values afterwards.
    /// </summary>
    public ColumnTable Compact(IEnumerable<(string Column, bool Number)> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var texts = new Dictionary<string, string?[]>();
        var numbers = new Dictionary<string, double[]>();
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (column, number) in columns)
        {
            if (number)
            {
                var values = new double[RowCount];
                for (var r = 0; r < RowCount; r++) values[r] = Number(column, r);
                numbers[column] = values;
            }
            else
            {
                var values = new string?[RowCount];
                for (var r = 0; r < RowCount; r++)
                {
                    var text = Text(column, r);
                    values[r] = pool.TryGetValue(text, out var same) ? same : pool[text] = text;
                }
                texts[column] = values;
            }
        }
        return new ColumnTable(Source, RowCount, texts, [], _rowNumbers, _lines, numbers);
    }

    /// <summary>
    /// The column as finite numbers (CSV text parsed with the invariant culture). Of a compacted table, the table's own
    /// array (read it, do not change it).
    /// </summary>
    public double[] Numbers(string column)
    {
        if (_checked.TryGetValue(column, out var finite)) return finite;
        var values = new double[RowCount];
        if (_numbers.TryGetValue(column, out var numbers))
            for (var r = 0; r < RowCount; r++) values[r] = NumberOf(numbers, column, r);
        else
        {
            var texts = Column(_texts, column);
            for (var r = 0; r < RowCount; r++) values[r] = NumberOf(texts, column, r);
        }
        return values;
    }

    /// <summary>One cell of <paramref name="column"/> as a finite number (as <see cref="Numbers"/>).</summary>
    public double Number(string column, int row) =>
        _checked.TryGetValue(column, out var finite) ? finite[row]
        : _numbers.TryGetValue(column, out var numbers) ? NumberOf(numbers, column, row) : NumberOf(Column(_texts, column), column, row);

    /// <summary>The column as text (numbers formatted with the invariant culture); an empty cell is an error.</summary>
    public string[] Texts(string column)
    {
        var values = new string[RowCount];
        if (_checked.TryGetValue(column, out var finite))
        {
            for (var r = 0; r < RowCount; r++) values[r] = finite[r].ToString("R", CultureInfo.InvariantCulture);
            return values;
        }
        if (_numbers.TryGetValue(column, out var numbers))
            for (var r = 0; r < RowCount; r++) values[r] = TextOf(numbers, column, r);
        else
        {
            var texts = Column(_texts, column);
            for (var r = 0; r < RowCount; r++) values[r] = TextOf(texts, column, r);
        }
        return values;
    }

    /// <summary>One cell of <paramref name="column"/> as text (as <see cref="Texts"/>).</summary>
    public string Text(string column, int row) =>
        _checked.TryGetValue(column, out var finite) ? finite[row].ToString("R", CultureInfo.InvariantCulture)
        : _numbers.TryGetValue(column, out var numbers) ? TextOf(numbers, column, row) : TextOf(Column(_texts, column), column, row);

    private double NumberOf(double?[] numbers, string column, int r) =>
        numbers[r] is { } v && double.IsFinite(v)
            ? v
            : throw Error(column, r, numbers[r] is null ? "is empty (null)" : $"{numbers[r]} is not a finite number");

    private double NumberOf(string?[] texts, string column, int r)
    {
        var cell = texts[r];
        if (cell is null || !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            throw Error(column, r, cell is null ? "is empty (null)" : $"\"{cell}\" is not a number");
        // NaN and infinities parse, but would poison the normalisation and every gradient after them.
        return double.IsFinite(v) ? v : throw Error(column, r, $"\"{cell}\" is not a finite number");
    }

    private string TextOf(double?[] numbers, string column, int r) =>
        numbers[r]?.ToString("R", CultureInfo.InvariantCulture) ?? throw Error(column, r, "is empty (null)");

    private string TextOf(string?[] texts, string column, int r) =>
        string.IsNullOrEmpty(texts[r]) ? throw Error(column, r, "is empty") : texts[r]!;

    internal DataFormatException Error(string column, int row, string problem) =>
        new(Source, $"{DescribeRow(row)}, column '{column}': {problem}", _lines ? _rowNumbers[row] : null);

    private T[] Column<T>(Dictionary<string, T[]> columns, string column) =>
        columns.TryGetValue(column, out var values)
            ? values
            : throw new ArgumentException($"column '{column}' was not read from {Source}", nameof(column));

    /// <summary>The message for a requested column the file lacks.</summary>
    internal static DataFormatException MissingColumn(string source, string column, IEnumerable<string> existing, int? line) =>
        new(source, $"{(line is null ? "" : $"line {line}: ")}no column '{column}'; the columns are {string.Join(", ", existing.Select(n => $"'{n}'"))}", line);
}
