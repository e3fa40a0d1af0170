using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Rnn.Training.Runs;

namespace Rnn.Training.Export;

/// <summary>
/// events.out.tfevents.* in a run folder, for TensorBoard: a TFRecord file (each record: length as uint64, its masked
/// CRC-32C, the bytes, their masked CRC-32C) of tensorflow.Event protos: first the file_version "brain.Event:2", then
/// one event per metrics.csv row with scalars train/loss, train/accuracy, train/grad_norm, train/learning_rate and
/// train/samples_per_second, and the final test metrics as test/&lt;name&gt; (validation ones as validation/&lt;name&gt;) at the last step. Written once when the
/// run completes, from metrics.csv, so a rollback's replayed steps appear once.
/// </summary>
public static class TensorBoardEventFile
{
    public const string Prefix = "events.out.tfevents.";

    /// <summary>Writes the file into <paramref name="folder"/> and returns its path; wall times count from <paramref name="startedUtc"/>.</summary>
    public static string Write(string folder, IReadOnlyList<MetricsCsvRow> rows, IReadOnlyDictionary<string, double> test, DateTime startedUtc)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(test);
        var start = (startedUtc - DateTime.UnixEpoch).TotalSeconds;
        var path = Path.Combine(folder, Prefix + ((long)start).ToString(CultureInfo.InvariantCulture) + ".rnn");
        using var file = new MemoryStream();
        Record(file, e =>
        {
            e.Double(1, start);
            e.String(3, "brain.Event:2");
        });
        var wall = start;
        foreach (var row in rows)
        {
            wall += double.IsFinite(row.Seconds) ? row.Seconds : 0;
            var scalars = new List<(string, double)> { ("train/loss", row.Loss), ("train/grad_norm", row.GradNorm),
                ("train/learning_rate", row.LearningRate), ("train/samples_per_second", row.SamplesPerSecond) };
            if (row.Accuracy is { } accuracy) scalars.Add(("train/accuracy", accuracy));
            Record(file, e => Scalars(e, wall, row.Step, scalars));
        }
        if (test.Count > 0)
            Record(file, e => Scalars(e, wall, rows.Count > 0 ? rows[^1].Step : 0, test.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (Tag(m.Key), m.Value)).ToList()));
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, file.ToArray());
        File.Move(temp, path, overwrite: true);
        return path;
    }

    // Event: wall_time = 1 (double), step = 2 (int64), summary = 5 → Summary.value = 1 → tag = 1, simple_value = 2 (float).
    private static void Scalars(ProtobufWriter e, double wall, long step, List<(string Tag, double Value)> scalars)
    {
        e.Double(1, wall);
        e.Varint(2, step);
        e.Message(5, summary =>
        {
            foreach (var (tag, value) in scalars)
                summary.Message(1, v =>
                {
                    v.String(1, tag);
                    v.Float(2, (float)value);
                });
        });
    }

    private static void Record(Stream file, Action<ProtobufWriter> write)
    {
        var writer = new ProtobufWriter();
        write(writer);
        var data = writer.ToArray();
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        file.Write(header);
        file.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        file.Write(footer);
    }

    // TFRecord's checksum: CRC-32C (Castagnoli), rotated right by 15 and offset, so a CRC of CRCs is not a CRC.
    private static uint MaskedCrc(ReadOnlySpan<byte> bytes)
    {
        var crc = uint.MaxValue;
        foreach (var b in bytes) crc = BitOperations.Crc32C(crc, b);
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }

    // A job with a validation split reports val_loss, … beside the test metrics: they go under validation/.
    private static string Tag(string metric) =>
        metric.StartsWith(Jobs.EarlyStoppingMonitors.ValidationPrefix, StringComparison.Ordinal)
            ? "validation/" + metric[Jobs.EarlyStoppingMonitors.ValidationPrefix.Length..]
            : "test/" + metric;
}
