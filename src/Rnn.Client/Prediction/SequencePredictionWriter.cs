using System.Globalization;
using System.Text.Json;
using Rnn.Client.Console;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Prediction;

using static Rnn.Client.Prediction.PredictionFields;

namespace Rnn.Client.Prediction;

/// <summary>
/// <c>rnn predict</c>'s rows for the sequence kinds (docs/cli.md). Every row starts with index (the sample's place in
/// DATA), sequence (its key: sequence id, sample index, the window's first row or line, or the text) and length.
/// A class per sequence: label (the data's class, empty without targets), predicted (a class name) and p_NAME per
/// class (softmax); JSON lines: probabilities as an object by class name, and the logits. Values per sequence:
/// prediction_NAME and target_NAME per output value, in the data's units; JSON lines add the raw outputs. Per-step
/// targets: CSV has one line per valid step (step instead of length); JSON lines one line per sequence with arrays
/// over its steps.
/// </summary>
internal static class SequencePredictionWriter
{
    public static void Write(TextWriter writer, SequencePredictionInput input, float[] outputs, int width, bool jsonLines)
    {
        var kind = input.TargetKind;
        var perStep = kind.IsPerStep();
        var steps = input.Samples.Steps;
        var rowsPerSample = perStep ? steps : 1;
        if (!jsonLines) writer.WriteLine(Header(input, perStep));
        var probabilities = new double[width];
        for (var n = 0; n < input.Samples.Count; n++)
        {
            var length = input.Samples.Length(n);
            var rows = perStep ? length : 1;
            var sampleOutputs = outputs.AsSpan(n * rowsPerSample * width, rows * width);
            if (kind.IsClass())
            {
                var predicted = new string[rows];
                var all = new double[rows][];
                for (var r = 0; r < rows; r++)
                {
                    predicted[r] = input.ClassNames[Softmax(sampleOutputs.Slice(r * width, width), probabilities)];
                    all[r] = (double[])probabilities.Clone();
                }
                var labels = input.Labels[n];
                if (jsonLines)
                {
                    var logits = sampleOutputs.ToArray();
                    JsonLines.Write(writer, w =>
                    {
                        Start(w, input, n, length);
                        if (!perStep)
                        {
                            String(w, "label", labels[0]);
                            w.WriteString("predicted", predicted[0]);
                            Probabilities(w, input.ClassNames, all[0]);
                            Array(w, "logits", logits.Select(v => (double)v));
                            return;
                        }
                        w.WriteStartArray("label");
                        foreach (var l in labels)
                        {
                            if (l is null) w.WriteNullValue();
                            else w.WriteStringValue(l);
                        }
                        w.WriteEndArray();
                        w.WriteStartArray("predicted");
                        foreach (var p in predicted) w.WriteStringValue(p);
                        w.WriteEndArray();
                        w.WriteStartArray("probabilities");
                        foreach (var p in all) Probabilities(w, input.ClassNames, p, name: null);
                        w.WriteEndArray();
                        w.WriteStartArray("logits");
                        for (var r = 0; r < rows; r++) Array(w, null, new ArraySegment<float>(logits, r * width, width).Select(v => (double)v));
                        w.WriteEndArray();
                    });
                    continue;
                }
                for (var r = 0; r < rows; r++)
                    writer.WriteLine(string.Join(',', new[] { Text(n), Quoted(input.Keys[n]), Text(perStep ? r : length), Quoted(labels[r] ?? ""), Quoted(predicted[r]) }
                        .Concat(all[r].Select(Text))));
                continue;
            }

            var k = width;
            var predictions = new double[rows * k];
            for (var j = 0; j < predictions.Length; j++) predictions[j] = input.Prediction(n, j % k, sampleOutputs[j]);
            var targets = input.Values[n];
            if (jsonLines)
            {
                var raw = sampleOutputs.ToArray();
                JsonLines.Write(writer, w =>
                {
                    Start(w, input, n, length);
                    if (!perStep)
                    {
                        Array(w, "prediction", predictions);
                        if (input.HasTargets) Array(w, "target", targets);
                        else w.WriteNull("target");
                        Array(w, "output", raw.Select(v => (double)v));
                        return;
                    }
                    Nested(w, "prediction", predictions, rows, k);
                    if (input.HasTargets) Nested(w, "target", targets, rows, k);
                    else w.WriteNull("target");
                    Nested(w, "output", raw.Select(v => (double)v).ToArray(), rows, k);
                });
                continue;
            }
            for (var r = 0; r < rows; r++)
                writer.WriteLine(string.Join(',', new[] { Text(n), Quoted(input.Keys[n]), Text(perStep ? r : length) }
                    .Concat(new ArraySegment<double>(predictions, r * k, k).Select(Text)).Concat(new ArraySegment<double>(targets, r * k, k).Select(Text))));
        }
    }

    private static string Header(SequencePredictionInput input, bool perStep)
    {
        var start = new[] { "index", "sequence", perStep ? "step" : "length" };
        var rest = input.TargetKind.IsClass()
            ? new[] { "label", "predicted" }.Concat(input.ClassNames.Select(c => Quoted("p_" + c)))
            : input.ValueNames.Select(v => Quoted("prediction_" + v)).Concat(input.ValueNames.Select(v => Quoted("target_" + v)));
        return string.Join(',', start.Concat(rest));
    }

    private static void Start(Utf8JsonWriter w, SequencePredictionInput input, int n, int length)
    {
        w.WriteNumber("index", n);
        w.WriteString("sequence", input.Keys[n]);
        w.WriteNumber("length", length);
    }

    private static void String(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static void Probabilities(Utf8JsonWriter w, IReadOnlyList<string> names, double[] probabilities, string? name = "probabilities")
    {
        if (name is null) w.WriteStartObject();
        else w.WriteStartObject(name);
        for (var c = 0; c < names.Count; c++) w.WriteNumber(names[c], probabilities[c]);
        w.WriteEndObject();
    }

    private static void Nested(Utf8JsonWriter w, string name, double[] values, int rows, int k)
    {
        w.WriteStartArray(name);
        for (var r = 0; r < rows; r++) Array(w, null, new ArraySegment<double>(values, r * k, k));
        w.WriteEndArray();
    }

    // RFC 4180 quoting where needed, so a comma, quote or newline inside a name or text stays one field.
    private static string Quoted(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
