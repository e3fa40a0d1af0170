using System.Text.Json;
using System.Text.Json.Serialization;
using Rnn.Training.Jobs;
using Rnn.Kernels.Backends;

namespace Rnn.Training.Runs;

/// <summary>summary.json of a finished run; <see cref="Backend"/> is where its shards ran (absent in older runs: cpu).</summary>
public sealed record RunSummary(
    [property: JsonPropertyName("job")] string Job,
    [property: JsonPropertyName("steps")] long Steps,
    [property: JsonPropertyName("epochs")] double Epochs,
    [property: JsonPropertyName("wall_seconds")] double WallSeconds,
    [property: JsonPropertyName("samples_per_second")] double SamplesPerSecond,
    [property: JsonPropertyName("final_loss")] double FinalLoss,
    [property: JsonPropertyName("test")] IReadOnlyDictionary<string, double> Test,
    [property: JsonPropertyName("parameters_sha256")] string ParametersSha256,
    [property: JsonPropertyName("parameter_count")] int ParameterCount,
    [property: JsonPropertyName("shards")] int Shards,
    [property: JsonPropertyName("skipped_steps")] int SkippedSteps,
    [property: JsonPropertyName("backend")] string Backend = BackendNames.Cpu)
{
    /// <summary>Why the run ended before its last step (training.early_stopping); absent when it ran every step.</summary>
    [JsonPropertyName("stopped_early")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StoppedEarly { get; init; }

    /// <summary>The evaluation best/model.safetensors comes from (jobs with a validation split); absent otherwise.</summary>
    [JsonPropertyName("best")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BestModelInfo? Best { get; init; }

    // NaN (every step skipped, a metric undefined) is written as "NaN" rather than failing the run at its end.
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Write(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Options));
        File.Move(temp, path, overwrite: true);
    }

    public static RunSummary Read(string path) =>
        JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"{path}: empty summary");
}
