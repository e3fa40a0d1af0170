using System.Buffers.Binary;
using System.Text;
using Rnn.Training.Export;
using Rnn.Training.Runs;

namespace Rnn.Training.Tests.Export;

/// <summary>
/// The TensorBoard event file read back by an independent reader of the TFRecord framing (its own bitwise CRC-32C)
/// and of tensorflow.Event (its own protobuf decoding): versions, steps, wall times and every scalar.
/// </summary>
public sealed class TensorBoardEventFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void EventsHoldTheFileVersionEachRowsScalarsAndTheTestMetrics()
    {
        var started = new DateTime(2026, 12, 7, 6, 0, 0, DateTimeKind.Utc);
        MetricsCsvRow[] rows =
        [
            new(0, 0, 2.5, 0.125, 1.5, 0.001, 100, 0.25, false),
            new(1, 0, 2.0, null, 1.25, 0.002, 200, 0.5, false),
        ];
        var test = new Dictionary<string, double> { ["loss"] = 1.75, ["accuracy"] = 0.5 };

        var path = TensorBoardEventFile.Write(_folder.Path, rows, test, started);

        var start = (started - DateTime.UnixEpoch).TotalSeconds;
        Assert.Equal(Path.Combine(_folder.Path, $"events.out.tfevents.{(long)start}.rnn"), path);
        var events = ReadRecords(File.ReadAllBytes(path)).Select(Event.Parse).ToArray();
        Assert.Equal(4, events.Length);
        Assert.Equal(("brain.Event:2", start), (events[0].FileVersion, events[0].WallTime));
        Assert.Equal((0L, start + 0.25), (events[1].Step, events[1].WallTime));
        Assert.Equal(new Dictionary<string, float>
        {
            ["train/loss"] = 2.5f, ["train/grad_norm"] = 1.5f, ["train/learning_rate"] = 0.001f,
            ["train/samples_per_second"] = 100f, ["train/accuracy"] = 0.125f,
        }, events[1].Scalars);
        Assert.Equal((1L, start + 0.75), (events[2].Step, events[2].WallTime));
        Assert.False(events[2].Scalars.ContainsKey("train/accuracy"));
        Assert.Equal(2.0f, events[2].Scalars["train/loss"]);
        Assert.Equal(1L, events[3].Step);
        Assert.Equal(new Dictionary<string, float> { ["test/accuracy"] = 0.5f, ["test/loss"] = 1.75f }, events[3].Scalars);
    }

    /// <summary>TFRecord: uint64 length, masked CRC-32C of it, data, masked CRC-32C of the data; every CRC checked.</summary>
    private static IEnumerable<byte[]> ReadRecords(byte[] file)
    {
        var at = 0;
        while (at < file.Length)
        {
            var lengthBytes = file.AsSpan(at, 8);
            Assert.Equal(MaskedCrc32C(lengthBytes), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8)));
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            var data = file.AsSpan(at + 12, length).ToArray();
            Assert.Equal(MaskedCrc32C(data), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + length)));
            yield return data;
            at += 12 + length + 4;
        }
    }

    // Bit by bit, reflected Castagnoli polynomial 0x82F63B78 (not the hardware instruction the writer uses).
    private static uint MaskedCrc32C(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        crc = ~crc;
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    private sealed record Event(double WallTime, long Step, string? FileVersion, Dictionary<string, float> Scalars)
    {
        // tensorflow.Event: wall_time = 1 (double), step = 2 (int64), file_version = 3, summary = 5;
        // Summary.value = 1; Summary.Value: tag = 1, simple_value = 2 (float).
        public static Event Parse(byte[] bytes)
        {
            double wall = 0;
            long step = 0;
            string? version = null;
            var scalars = new Dictionary<string, float>();
            foreach (var (field, value) in Fields(bytes))
            {
                switch (field)
                {
                    case 1: wall = BitConverter.Int64BitsToDouble((long)(ulong)value); break;
                    case 2: step = (long)(ulong)value; break;
                    case 3: version = Encoding.UTF8.GetString((byte[])value); break;
                    case 5:
                        foreach (var (_, entry) in Fields((byte[])value))
                        {
                            var parts = Fields((byte[])entry).ToDictionary(f => f.Field, f => f.Value);
                            scalars[Encoding.UTF8.GetString((byte[])parts[1])] = BitConverter.Int32BitsToSingle((int)(uint)parts[2]);
                        }
                        break;
                }
            }
            return new Event(wall, step, version, scalars);
        }

        // (field, value): ulong for varint and fixed64, uint for fixed32, byte[] for length-delimited.
        private static IEnumerable<(int Field, object Value)> Fields(byte[] bytes)
        {
            var at = 0;
            ulong Varint()
            {
                ulong result = 0;
                for (var shift = 0; ; shift += 7)
                {
                    var b = bytes[at++];
                    result |= (ulong)(b & 0x7F) << shift;
                    if (b < 0x80) return result;
                }
            }
            var fields = new List<(int, object)>();
            while (at < bytes.Length)
            {
                var tag = Varint();
                var field = (int)(tag >> 3);
                switch (tag & 7)
                {
                    case 0: fields.Add((field, Varint())); break;
                    case 1: fields.Add((field, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at)))); at += 8; break;
                    case 5: fields.Add((field, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)))); at += 4; break;
                    case 2:
                        var length = (int)Varint();
                        fields.Add((field, bytes.AsSpan(at, length).ToArray()));
                        at += length;
                        break;
                    default: throw new InvalidDataException($"wire type {tag & 7}");
                }
            }
            return fields;
        }
    }
}
