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
    public static ColumnTable Read(string fullPath, IReadOnlyCollection<string> columns)
    {
        try
        {
            // Parquet.Net is async only; Task.Run keeps its continuations off any caller's scheduler (a grain's).
            return Task.Run(() => ReadAsync(fullPath, columns)).GetAwaiter().GetResult();
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

    private static async Task<ColumnTable> ReadAsync(string fullPath, IReadOnlyCollection<string> columns)
    {
        await using var reader = await ParquetReader.CreateAsync(fullPath);
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

        var texts = wanted.Where(IsText).ToDictionary(f => f.Name, _ => new List<string?>());
        var numbers = wanted.Where(f => !IsText(f)).ToDictionary(f => f.Name, _ => new List<double?>());
        long rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            rows += count;
            foreach (var field in wanted)
            {
                if (IsText(field))
                {
                    var buffer = new string?[count];
                    await group.ReadAsync(field, buffer.AsMemory());
                    texts[field.Name].AddRange(buffer);
                }
                else numbers[field.Name].AddRange(await ReadNumbersAsync(group, field, count, fullPath));
            }
        }
        if (rows == 0) throw new DataFormatException(fullPath, "has no rows");
        if (rows > int.MaxValue) throw new DataFormatException(fullPath, $"has {rows} rows, more than one table can hold; split the file");
        return new ColumnTable(fullPath, (int)rows, texts.ToDictionary(p => p.Key, p => p.Value.ToArray()),
            numbers.ToDictionary(p => p.Key, p => p.Value.ToArray()), null);
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
