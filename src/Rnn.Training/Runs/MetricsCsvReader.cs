using System.Globalization;

namespace Rnn.Training.Runs;

/// <summary>
/// Reads metrics.csv back, by the header's column names (<see cref="MetricsCsvWriter.Header"/>): the one reader for
/// the job driver's summary, the API's step history and the client's curves. Opened for shared reading, since the
/// driver appends (and after a rollback rewrites) the file meanwhile; a row cut short by a crash or a concurrent
/// write is skipped, and a step written twice keeps its last row.
/// </summary>
public static class MetricsCsvReader
{
    /// <summary>The rows in step order; an empty list when the file does not exist or cannot be opened now.</summary>
    /// <exception cref="InvalidDataException">The header lacks the step or loss column (not a metrics.csv).</exception>
    public static IReadOnlyList<MetricsCsvRow> Read(string path)
    {
        if (!File.Exists(path)) return [];
        string[] lines;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            lines = reader.ReadToEnd().Split('\n');
        }
        catch (IOException)
        {
            return [];
        }

        var header = lines[0].TrimEnd('\r').Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        int step = Column("step"), epoch = Column("epoch"), loss = Column("loss"), accuracy = Column("accuracy"),
            norm = Column("grad_norm"), rate = Column("learning_rate"), speed = Column("samples_per_second"),
            seconds = Column("seconds"), skipped = Column("skipped");
        if (step < 0 || loss < 0) throw new InvalidDataException($"{path}: the header has no step and loss columns; is it a metrics.csv?");
        var width = header.Length;

        var rows = new SortedDictionary<long, MetricsCsvRow>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.TrimEnd('\r').Split(',');
            if (cells.Length < width || !long.TryParse(cells[step], NumberStyles.None, CultureInfo.InvariantCulture, out var s)) continue;
            string Cell(int i) => i < 0 ? "" : cells[i];
            rows[s] = new MetricsCsvRow(s,
                int.TryParse(Cell(epoch), NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : 0,
                Number(Cell(loss)), Cell(accuracy).Length > 0 ? Number(Cell(accuracy)) : null, Number(Cell(norm)),
                Number(Cell(rate)), Number(Cell(speed)), Number(Cell(seconds)), Cell(skipped) == "1");
        }
        return rows.Values.ToArray();
    }

    // The writer leaves non-finite values empty.
    private static double Number(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
}
