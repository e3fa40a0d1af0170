using System.Globalization;
using Rnn.Training.Batches;
using Rnn.Training.Data;
using Rnn.Training.Jobs;

namespace Rnn.Training.Prediction;

/// <summary>
/// New data read as a job's data kind for <c>rnn predict</c>: mnist-rows, the IDX images of a folder's split (labels
/// kept to print beside the prediction); csv, every window of the job's column, normalised with the mean and std the
/// model was trained with (model.safetensors' metadata), so predictions come back in the column's units. A window
/// at the end of the column has no (or part of its) target: those targets are NaN.
/// </summary>
public sealed class PredictionInput
{
    private PredictionInput(SampleSet samples, bool classification, double mean, double std)
    {
        Samples = samples;
        Classification = classification;
        Mean = mean;
        Std = std;
    }

    public SampleSet Samples { get; }

    /// <summary>True for class labels (outputs are logits), false for forecasts (outputs are normalised values).</summary>
    public bool Classification { get; }

    public double Mean { get; }

    public double Std { get; }

    /// <summary>A normalised output or target back in the data's units.</summary>
    public double Denormalize(float value) => value * Std + Mean;

    /// <param name="data">The job's data section (kind, column, window, horizon); its path is not used.</param>
    /// <param name="path">The data to predict on: an IDX folder (mnist-rows) or a CSV file (csv).</param>
    /// <param name="split">mnist-rows: which split's files to read, "test" or "train".</param>
    /// <param name="modelMetadata">model.safetensors' metadata (normalization_mean/std of a forecaster).</param>
    public static PredictionInput Read(DataSpec data, string path, string split, IReadOnlyDictionary<string, string> modelMetadata, int? limit)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(modelMetadata);
        PredictionInput input;
        switch (data.Kind)
        {
            case DataKinds.MnistRows:
                input = new PredictionInput(SampleSetFactory.FromMnist(MnistIdxReader.ReadSplit(path, split)), true, 0, 1);
                break;
            case DataKinds.Csv:
                input = ReadWindows(data, path, modelMetadata);
                break;
            default:
                throw new InvalidDataException(
                    $"rnn predict reads mnist-rows and csv data; the job's data.kind is '{data.Kind}' (for a text model use rnn generate)");
        }
        return limit is { } n && n < input.Samples.Count
            ? new PredictionInput(input.Samples.Take(n), input.Classification, input.Mean, input.Std)
            : input;
    }

    private static PredictionInput ReadWindows(DataSpec data, string path, IReadOnlyDictionary<string, string> metadata)
    {
        var mean = Number(metadata, "normalization_mean");
        var std = Number(metadata, "normalization_std");
        var values = CsvTimeSeries.ReadColumn(path, data.Column!);
        int window = data.Window!.Value, horizon = data.Horizon ?? DataSpec.DefaultHorizon;
        var count = values.Length - window + 1;
        if (count < 1)
            throw new InvalidDataException($"{path}: column '{data.Column}' has {values.Length} values, fewer than the job's data.window {window}");
        var features = new float[count * window];
        var targets = new float[count * horizon];
        for (var s = 0; s < count; s++)
        {
            for (var t = 0; t < window; t++) features[s * window + t] = (float)((values[s + t] - mean) / std);
            for (var h = 0; h < horizon; h++)
            {
                var at = s + window + h;
                targets[s * horizon + h] = at < values.Length ? (float)((values[at] - mean) / std) : float.NaN;
            }
        }
        return new PredictionInput(new SampleSet(features, window, 1, new int[count], targets, horizon), false, mean, std);
    }

    private static double Number(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"model.safetensors has no '{key}' metadata, which a forecaster's model file carries; was it written by this version of rnn?");
}
