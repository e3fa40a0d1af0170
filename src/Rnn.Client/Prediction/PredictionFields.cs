using System.Globalization;
using System.Text.Json;

namespace Rnn.Client.Prediction;

/// <summary>The fields both prediction writers print: class probabilities, numbers as CSV text and as JSON arrays.</summary>
internal static class PredictionFields
{
    /// <summary>softmax(logits) into <paramref name="probabilities"/>; the most probable class (the first on ties).</summary>
    public static int Softmax(ReadOnlySpan<float> logits, double[] probabilities)
    {
        var best = 0;
        for (var c = 1; c < logits.Length; c++) if (logits[c] > logits[best]) best = c;
        double sum = 0;
        for (var c = 0; c < logits.Length; c++) sum += probabilities[c] = Math.Exp(logits[c] - logits[best]);
        for (var c = 0; c < logits.Length; c++) probabilities[c] /= sum;
        return best;
    }

    // Unknown values (no target, a target past the data's end) are NaN: empty in CSV, null in JSON.
    public static string Text(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A JSON array of numbers (NaN as null), named when <paramref name="name"/> is given.</summary>
    public static void Array(Utf8JsonWriter w, string? name, IEnumerable<double> values)
    {
        if (name is null) w.WriteStartArray();
        else w.WriteStartArray(name);
        foreach (var v in values)
        {
            if (double.IsNaN(v)) w.WriteNullValue();
            else w.WriteNumberValue(v);
        }
        w.WriteEndArray();
    }
}
