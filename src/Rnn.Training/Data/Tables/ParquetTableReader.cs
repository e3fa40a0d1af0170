using Parquet;
using Parquet.Schema;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// Reads the wanted columns of a Parquet file (Parquet.Net, managed), all row groups in order. Numeric columns of
/// any integer or float width, decimal, bool and timestamps (as ticks, for ordering) become numbers; string columns
/// stay text. Nested and repeated columns, and other types, are refused by name.
/// </summary>
internal static class ParquetTableReader
{
    /// <summary>The wanted columns, one row group at a time (rows numbered from 0 across the groups).</summary>
    public static IEnumerable<ColumnTable> ReadChunks(string fullPath, IReadOnlyCollection<string> columns)
    {
        var reader = Run(fullPath, () => ParquetReader.CreateAsync(fullPath));
        try
        {
            var wanted = Wanted(reader, fullPath, columns);
            // The message for a file of too many rows comes before any group is read, as when the file was read whole.
            var total = Enumerable.Range(0, reader.RowGroupCount).Sum(g => reader.OpenRowGroupReader(g).RowCount);
            if (total == 0) throw new DataFormatException(fullPath, "has no rows");
            if (total > int.MaxValue) throw new DataFormatException(fullPath, $"has {total} rows, more than one table can hold; split the file");
            var first = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = g;
                var chunk = Run(fullPath, () => ReadGroupAsync(reader, group, wanted, first, fullPath));
                first += chunk.RowCount;
                if (chunk.RowCount > 0) yield return chunk;
            }
        }
        finally
        {
            Task.Run(() => reader.DisposeAsync().AsTask()).GetAwaiter().GetResult();
        }
    }

    /// <summary>Parquet.Net is async only; Task.Run keeps its continuations off any caller's scheduler (a grain's).</summary>
    private static T Run<T>(string fullPath, Func<Task<T>> read)
    {
        try
        {
            return Task.Run(read).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(fullPath, $"cannot be read: {e.Message}", innerException: e);
        }
        catch (Exception e) when (e is not DataFormatException and not ArgumentException)
        {
            throw new DataFormatException(fullPath, $"is not a readable Parquet file: {e.Message}", innerException: e);
        }
    }

    private static List<DataField> Wanted(ParquetReader reader, string fullPath, IReadOnlyCollection<string> columns)
    {
        var fields = reader.Schema.GetDataFields();
        var wanted = new List<DataField>();
        foreach (var column in columns.Distinct())
        {
            var field = fields.FirstOrDefault(f => f.Name == column && f.Path.ToString() == column)
                ?? fields.FirstOrDefault(f => f.Name == column)
                ?? throw ColumnTable.MissingColumn(fullPath, column, fields.Select(f => f.Name), null);
            if (field.IsArray || field.MaxRepetitionLevel > 0 || field.Path.ToString() != column)
                throw new DataFormatException(fullPath, $"column '{column}' is nested or repeated; only flat columns of numbers or strings are read");
            wanted.Add(field);
        }
        return wanted;
    }

    private static async Task<ColumnTable> ReadGroupAsync(ParquetReader reader, int g, List<DataField> wanted, int first, string fullPath)
    {
        using var group = reader.OpenRowGroupReader(g);
        var count = checked((int)group.RowCount);
        var texts = new Dictionary<string, string?[]>();
        var numbers = new Dictionary<string, double?[]>();
        foreach (var field in wanted)
        {
            if (IsText(field))
            {
                var buffer = new string?[count];
                await group.ReadAsync(field, buffer.AsMemory());
                texts[field.Name] = buffer;
            }
            else numbers[field.Name] = await ReadNumbersAsync(group, field, count, fullPath);
        }
        return new ColumnTable(fullPath, count, texts, numbers, Enumerable.Range(first, count).ToArray(), lines: false);
    }

    /// <summary>Byte-array columns (Parquet.Net types them as memory of bytes or chars) are read as UTF-8 text.</summary>
    private static bool IsText(DataField field) =>
        field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>) || field.ClrType == typeof(ReadOnlyMemory<byte>);

    private static Task<double?[]> ReadNumbersAsync(ParquetRowGroupReader group, DataField field, int count, string fullPath)
    {
        var type = field.ClrType;
        if (type == typeof(double)) return ReadAsync<double>(group, field, count, v => v);
        if (type == typeof(float)) return ReadAsync<float>(group, field, count, v => v);
        if (type == typeof(long)) return ReadAsync<long>(group, field, count, v => v);
        if (type == typeof(int)) return ReadAsync<int>(group, field, count, v => v);
        if (type == typeof(short)) return ReadAsync<short>(group, field, count, v => v);
        if (type == typeof(sbyte)) return ReadAsync<sbyte>(group, field, count, v => v);
        if (type == typeof(ulong)) return ReadAsync<ulong>(group, field, count, v => v);
        if (type == typeof(uint)) return ReadAsync<uint>(group, field, count, v => v);
        if (type == typeof(ushort)) return ReadAsync<ushort>(group, field, count, v => v);
        if (type == typeof(byte)) return ReadAsync<byte>(group, field, count, v => v);
        if (type == typeof(decimal)) return ReadAsync<decimal>(group, field, count, v => (double)v);
        if (type == typeof(bool)) return ReadAsync<bool>(group, field, count, v => v ? 1 : 0);
        if (type == typeof(DateTime)) return ReadAsync<DateTime>(group, field, count, v => v.Ticks);
        throw new DataFormatException(fullPath,
            $"column '{field.Name}' has type {type.Name}, which is not read; use a numeric, boolean, timestamp or string column");
    }

    private static async Task<double?[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int count, Func<T, double> convert)
        where T : struct
    {
        var result = new double?[count];
        if (field.IsNullable)
        {
            var buffer = new T?[count];
            await group.ReadAsync<T>(field, buffer.AsMemory());
            for (var i = 0; i < count; i++) result[i] = buffer[i] is { } v ? convert(v) : null;
        }
        else
        {
            var buffer = new T[count];
            await group.ReadAsync<T>(field, buffer.AsMemory());
            for (var i = 0; i < count; i++) result[i] = convert(buffer[i]);
        }
        return result;
    }
}
