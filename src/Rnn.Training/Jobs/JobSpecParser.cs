using System.Text.Json;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Losses;

namespace Rnn.Training.Jobs;

/// <summary>
/// Turns a job file into a <see cref="JobSpec"/>, or throws <see cref="JobValidationException"/> listing every
/// problem with its field path. Reads the JSON by hand (not attribute deserialisation) so that each error can name
/// its field, unknown keys are caught, and only the documented defaults are ever filled in.
/// </summary>
public static class JobSpecParser
{
    private const string Name = "name", Seed = "seed", Data = "data", Model = "model", Loss = "loss", Metrics = "metrics",
        Optimizer = "optimizer", Training = "training", Backend = "backend", InitFrom = "init_from";

    private static readonly string[] RootKeys = [Name, Seed, Data, Model, Loss, Metrics, Optimizer, Training, Backend, InitFrom];

    private const int MaxNameLength = 100;

    // Job files are written by hand: comments and a trailing comma are harmless, so they are not errors.
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads the job file at <paramref name="path"/>; errors name the path as given.</summary>
    public static JobSpec Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            var full = Path.GetFullPath(path);
            var what = Directory.Exists(path) ? "is a folder, not a job file" : "does not exist";
            throw new JobValidationException(path, [new JobValidationError("$", $"job file '{full}' {what}; check the path")]);
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <param name="json">The job file's text.</param>
    /// <param name="sourceName">Where the text came from (a path, or e.g. "request"); starts every error line.</param>
    public static JobSpec Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new JobValidationException(sourceName, [InvalidJsonError(ex)]);
        }

        using (document)
        {
            var errors = new JobErrorCollector();
            var spec = ReadRoot(document.RootElement, errors);
            if (errors.Count > 0 || spec is null) throw new JobValidationException(sourceName, errors.Errors);
            return spec;
        }
    }

    private static JobSpec? ReadRoot(JsonElement rootElement, JobErrorCollector errors)
    {
        var root = JsonObjectReader.Open(rootElement, "", errors);
        if (root is null) return null;

        var name = ReadName(root);
        var seed = root.UInt64(Seed, required: true);
        var data = DataSectionReader.Read(root);
        var layers = ModelSectionReader.Read(root, data.Kind, data.Target);
        var loss = root.Choice(Loss, LossNames.All, "loss", required: true);
        var metrics = ReadMetrics(root);
        var optimizer = OptimizerSectionReader.Read(root);
        var training = TrainingSectionReader.Read(root);
        var backend = root.Has(Backend) ? root.Choice(Backend, BackendNames.All, "backend", required: false) : BackendNames.Auto;
        var initFrom = root.String(InitFrom, required: false,
            expectation: "the path of a model folder or of a model.safetensors, e.g. \"runs/seq-mnist-lstm\"");
        root.ReportUnreadKeys(RootKeys, "the job file", []);

        // Cross-section rules run on whatever was valid, so one mistake does not hide another.
        CheckLossFitsData(loss, data.Kind, data.Target, errors);
        CheckMetricsFitLoss(metrics, loss, errors);
        CheckEarlyStoppingFitsData(training?.EarlyStopping, data.Spec, loss, errors);
        if (layers is not null && layers.All(l => l is not null))
        {
            ModelStructureValidator.Validate(layers.Select(l => l!).ToList(), data.Kind, data.Horizon, loss, errors, data.Target);
        }

        if (errors.Count > 0) return null;
        return new JobSpec
        {
            Name = name!,
            Seed = seed!.Value,
            Data = data.Spec!,
            Model = new ModelSpec { Layers = Array.AsReadOnly(layers!.Select(l => l!.ToSpec()).ToArray()) },
            Loss = loss!,
            Metrics = Array.AsReadOnly(metrics!.ToArray()),
            Optimizer = optimizer!,
            Training = training!,
            Backend = backend!,
            InitFrom = initFrom,
        };
    }

    // Names end up in run folders, metric attributes and URLs, so they are kept to a portable character set.
    private static string? ReadName(JsonObjectReader root)
    {
        var name = root.String(Name, required: true, expectation: "a short name such as \"seq-mnist-lstm\"");
        if (name is null) return null;
        if (name.Length <= MaxNameLength && name.All(IsNameCharacter)) return name;

        var cleaned = new string(name.Select(c => IsNameCharacter(c) ? c : '-').Take(MaxNameLength).ToArray());
        root.Errors.Add(Name,
            $"'{name}' must be 1..{MaxNameLength} letters, digits, '.', '_' or '-'; rename it, e.g. \"{cleaned}\"");
        return null;
    }

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    /// <summary>The metrics (empty when absent), or null when the list is wrong.</summary>
    private static List<string>? ReadMetrics(JsonObjectReader root)
    {
        var array = root.Array(Metrics, required: false, expectation: "an array of metric names, e.g. [\"accuracy\"]");
        if (array is null) return root.Has(Metrics) ? null : [];

        var metrics = new List<string>();
        var valid = true;
        var index = 0;
        foreach (var element in array.Value.EnumerateArray())
        {
            var field = JobErrorCollector.Item(Metrics, index++);
            var metric = JsonValueReader.ReadChoice(element, field, MetricNames.All, "metric", root.Errors);
            if (metric is null)
            {
                valid = false;
            }
            else if (metrics.Contains(metric))
            {
                root.Errors.Add(field, $"'{metric}' is listed twice; keep one");
                valid = false;
            }
            else
            {
                metrics.Add(metric);
            }
        }
        return valid ? metrics : null;
    }

    private static void CheckLossFitsData(string? loss, string? dataKind, string? target, JobErrorCollector errors)
    {
        if (loss is null || dataKind is null) return;
        if (DataKinds.IsSequenceKind(dataKind))
        {
            if (target is null) return;
            var fits = DataTargets.IsClass(target) ? LossNames.SparseCategoricalCrossentropy : LossNames.Mse;
            if (loss != fits)
                errors.Add(Loss, $"'{loss}' does not fit data.target '{target}', which is " +
                    $"{(DataTargets.IsClass(target) ? "classification" : "regression")}; use \"{fits}\"");
            return;
        }
        var expected = dataKind == DataKinds.Csv ? LossNames.Mse : LossNames.SparseCategoricalCrossentropy;
        if (loss == expected) return;

        var task = dataKind switch
        {
            DataKinds.Csv => "regression (forecasting numbers)",
            DataKinds.Text => "classification (predicting the next character)",
            _ => "classification (predicting a digit class)",
        };
        errors.Add(Loss, $"'{loss}' does not fit {dataKind} data, which is {task}; use \"{expected}\"");
    }

    private static void CheckMetricsFitLoss(List<string>? metrics, string? loss, JobErrorCollector errors)
    {
        if (metrics is null || loss is null || loss == LossNames.SparseCategoricalCrossentropy) return;
        var index = metrics.IndexOf(MetricNames.Accuracy);
        if (index >= 0)
        {
            errors.Add(JobErrorCollector.Item(Metrics, index),
                $"'accuracy' needs a classification loss ({LossNames.SparseCategoricalCrossentropy}), but loss is '{loss}'; remove it");
        }
    }

    // Early stopping follows a validation metric: the job must hold a validation split out, and the metric must be one
    // its data kind and loss report.
    private static void CheckEarlyStoppingFitsData(EarlyStoppingSpec? stopping, DataSpec? data, string? loss, JobErrorCollector errors)
    {
        if (stopping is null || data is null || loss is null) return;
        const string field = "training.early_stopping";
        if (!(data.ValidationFraction > 0 || data.ValidationPath is not null))
        {
            errors.Add(field, "needs a validation split to monitor, and this job holds none out; add \"validation_fraction\" " +
                "to the data section (e.g. 0.1) or remove early_stopping");
            return;
        }
        var classification = loss == LossNames.SparseCategoricalCrossentropy;
        var misfit = stopping.Monitor switch
        {
            EarlyStoppingMonitors.ValAccuracy when !classification => $"'{loss}' is a regression loss, which has no accuracy; monitor val_loss or val_rmse",
            EarlyStoppingMonitors.ValRmse when classification => "RMSE belongs to regression jobs, and this one classifies; monitor val_loss or val_accuracy",
            EarlyStoppingMonitors.ValBitsPerChar when data.Kind != DataKinds.Text => $"bits per character belong to text data, not {data.Kind}; monitor val_loss",
            _ => null,
        };
        if (misfit is not null) errors.Add(field + ".monitor", $"'{stopping.Monitor}' does not fit this job: {misfit}");
    }

    private static JobValidationError InvalidJsonError(JsonException ex)
    {
        // JsonException's message ends with "LineNumber: 3 | BytePositionInLine: 12."; both are 0-based, and are
        // restated 1-based as editors show them.
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        var position = ex.LineNumber is { } line
            ? $" at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}"
            : "";
        return new JobValidationError("$", $"invalid JSON{position}: {message.Trim().TrimEnd('.')}; fix the syntax there");
    }
}
