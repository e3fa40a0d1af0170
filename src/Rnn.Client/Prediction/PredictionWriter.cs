using System.Globalization;
using System.Text.Json;
using Rnn.Client.Console;
using Rnn.Training.Prediction;

using static Rnn.Client.Prediction.PredictionFields;

namespace Rnn.Client.Prediction;

/// <summary>
/// <c>rnn predict</c>'s rows, as CSV (a header, then one line per sample) or JSON lines. Classes: index, label (the
/// data's), predicted class, each class's probability (softmax of the logits); JSON lines also carry the logits.
/// Forecasts: index (the window's first row in the column), the predicted values and the actual ones where the
/// column has them, in the column's units; JSON lines also carry the raw (normalised) outputs. Text: index, the
/// actual next character (empty after the end), the predicted one and its probability; JSON lines add every
/// character's probability and the logits.
/// </summary>
internal static class PredictionWriter
{
    public static void Write(TextWriter writer, PredictionInput input, float[] outputs, int width, bool jsonLines)
    {
        var samples = input.Samples;
        if (!jsonLines) writer.WriteLine(Header(input, width));
        var probabilities = new double[width];
        for (var n = 0; n < samples.Count; n++)
        {
            var row = outputs.AsSpan(n * width, width);
            var raw = row.ToArray().Select(v => (double)v).ToArray();
            if (input.Kind == PredictionKind.NextCharacter)
            {
                var predicted = Softmax(row, probabilities);
                var vocabulary = input.Vocabulary!;
                var next = samples.Label(n) is var label and >= 0 ? vocabulary.Decode([label]) : null;
                var guess = vocabulary.Decode([predicted]);
                if (jsonLines) JsonLines.Write(writer, w =>
                {
                    w.WriteNumber("index", n);
                    if (next is null) w.WriteNull("next");
                    else w.WriteString("next", next);
                    w.WriteString("predicted", guess);
                    Array(w, "probabilities", probabilities);
                    Array(w, "logits", raw);
                });
                else writer.WriteLine($"{Text(n)},{Quoted(next ?? "")},{Quoted(guess)},{Text(probabilities[predicted])}");
            }
            else if (input.Kind == PredictionKind.Classes)
            {
                var predicted = Softmax(row, probabilities);
                if (jsonLines) JsonLines.Write(writer, w =>
                {
                    w.WriteNumber("index", n);
                    w.WriteNumber("label", samples.Label(n));
                    w.WriteNumber("predicted", predicted);
                    Array(w, "probabilities", probabilities);
                    Array(w, "logits", raw);
                });
                else writer.WriteLine(string.Join(',', new[] { Text(n), Text(samples.Label(n)), Text(predicted) }.Concat(probabilities.Select(Text))));
            }
            else
            {
                var predictions = raw.Select(v => input.Denormalize((float)v)).ToArray();
                var targets = Enumerable.Range(0, width).Select(h => input.Actual(n, h)).ToArray();
                if (jsonLines) JsonLines.Write(writer, w =>
                {
                    w.WriteNumber("index", n);
                    Array(w, "prediction", predictions);
                    Array(w, "target", targets);
                    Array(w, "output", raw);
                });
                else writer.WriteLine(string.Join(',', new[] { Text(n) }.Concat(predictions.Select(Text)).Concat(targets.Select(Text))));
            }
        }
    }

    private static string Header(PredictionInput input, int width)
    {
        if (input.Kind == PredictionKind.NextCharacter) return "index,next,predicted,probability";
        var columns = input.Kind == PredictionKind.Classes
            ? new[] { "index", "label", "predicted" }.Concat(Enumerable.Range(0, width).Select(c => $"p{c}"))
            : new[] { "index" }.Concat(Enumerable.Range(1, width).Select(h => $"prediction_{h}")).Concat(Enumerable.Range(1, width).Select(h => $"target_{h}"));
        return string.Join(',', columns);
    }

    // RFC 4180: a field in quotes, quotes doubled, so a comma, quote or newline character stays one field.
    private static string Quoted(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
