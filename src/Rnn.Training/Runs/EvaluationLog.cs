using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rnn.Training.Runs;

/// <summary>One line of evaluations.jsonl: the metrics of the evaluation after <see cref="Step"/> steps.</summary>
public sealed record EvaluationRecord(
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// evaluations.jsonl in the run folder of a job with a validation split: every evaluation in step order, one JSON object
/// a line. A driver that rolls back or resumes to a checkpoint keeps the lines up to its step and replays them into a
/// fresh <see cref="Steps.ValidationMonitor"/>, so the best model and the early-stopping count carry on exactly where
/// an uninterrupted run would be. Reader beside writer.
/// </summary>
public static class EvaluationLog
{
    public const string FileName = "evaluations.jsonl";

    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Append(string path, EvaluationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        File.AppendAllText(path, JsonSerializer.Serialize(record, Options) + "\n", Encoding.UTF8);
    }

    /// <summary>The records in file order; none when the file is absent. A torn last line (a crash mid-append) is dropped.</summary>
    public static IReadOnlyList<EvaluationRecord> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var records = new List<EvaluationRecord>();
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                records.Add(JsonSerializer.Deserialize<EvaluationRecord>(lines[i], Options)
                    ?? throw new InvalidDataException($"{path}: line {i + 1} is null"));
            }
            catch (JsonException e) when (i == lines.Length - 1)
            {
                _ = e; // the append was cut short: that evaluation is done again after the checkpoint.
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: line {i + 1} is not an evaluation record ({e.Message})", e);
            }
        }
        return records;
    }

    /// <summary>Keeps the records of steps up to <paramref name="step"/> (the checkpoint a run goes on from) and returns them.</summary>
    public static IReadOnlyList<EvaluationRecord> KeepStepsUpTo(string path, long step)
    {
        if (!File.Exists(path)) return [];
        var kept = Read(path).Where(r => r.Step <= step).ToArray();
        var temp = path + ".tmp";
        File.WriteAllText(temp, string.Concat(kept.Select(r => JsonSerializer.Serialize(r, Options) + "\n")), Encoding.UTF8);
        File.Move(temp, path, overwrite: true);
        return kept;
    }
}
