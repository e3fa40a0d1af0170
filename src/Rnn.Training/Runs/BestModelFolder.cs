using System.Text.Json;
using System.Text.Json.Serialization;
using Rnn.Kernels.Tensors;
using Rnn.Training.Steps;

namespace Rnn.Training.Runs;

/// <summary>best/metrics.json: which evaluation the best model comes from and what it scored.</summary>
public sealed record BestModelInfo(
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("monitor")] string Monitor,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// best/ in the run folder of a job with a validation split: the model of the evaluation with the best monitored value
/// (<see cref="ValidationMonitor"/>: early_stopping.monitor, else val_loss), kept beside the last one. It is a model
/// directory like the run folder itself: model.safetensors, model.py, job.json (a copy of the run's) and metrics.json,
/// so <c>rnn predict</c>, <c>eval</c> and <c>export</c> take runs/NAME/best as they take runs/NAME.
/// </summary>
public static class BestModelFolder
{
    public const string FolderName = "best";
    public const string InfoFileName = "metrics.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string PathIn(string runFolder) => Path.Combine(runFolder, FolderName);

    /// <summary>Writes (or replaces) best/ of <paramref name="runFolder"/>; each file through a rename, metrics.json last.</summary>
    public static void Write(string runFolder, TrainingSetup setup, ParameterLayout layout, ReadOnlySpan<float> parameters,
        BestModelInfo info, string? jobFile)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(info);
        var folder = PathIn(runFolder);
        Directory.CreateDirectory(folder);
        var model = Path.Combine(folder, "model.safetensors");
        ModelFile.Write(model + ".tmp", setup, layout, parameters, info.Step);
        File.Move(model + ".tmp", model, overwrite: true);
        TorchModuleFile.Write(Path.Combine(folder, TorchModuleFile.FileName), setup.Resolved);
        if (jobFile is not null && File.Exists(jobFile)) File.Copy(jobFile, Path.Combine(folder, "job.json"), overwrite: true);
        var infoPath = Path.Combine(folder, InfoFileName);
        File.WriteAllText(infoPath + ".tmp", JsonSerializer.Serialize(info, Options));
        File.Move(infoPath + ".tmp", infoPath, overwrite: true);
    }

    /// <summary>best/metrics.json, or null when the run kept no best model.</summary>
    public static BestModelInfo? ReadInfo(string runFolder)
    {
        var path = Path.Combine(PathIn(runFolder), InfoFileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<BestModelInfo>(File.ReadAllText(path), Options) : null;
    }
}
