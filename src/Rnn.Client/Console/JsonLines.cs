using System.Text;
using System.Text.Json;

namespace Rnn.Client.Console;

/// <summary>Writes one JSON object as one line, flushed at once (programs read the output line by line).</summary>
internal static class JsonLines
{
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        output.Flush();
    }

    /// <summary>A number, or null when it is not finite (JSON has no NaN).</summary>
    public static void Number(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) writer.WriteNumber(name, v);
        else writer.WriteNull(name);
    }

    public static void Metrics(Utf8JsonWriter writer, string name, IEnumerable<KeyValuePair<string, double>>? metrics)
    {
        if (metrics is null)
        {
            writer.WriteNull(name);
            return;
        }
        writer.WriteStartObject(name);
        foreach (var (key, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal)) Number(writer, key, value);
        writer.WriteEndObject();
    }
}
