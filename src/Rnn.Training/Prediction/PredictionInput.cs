using System.Globalization;
using Rnn.Training.Batches;
using Rnn.Training.Data;
using Rnn.Training.Jobs;

namespace Rnn.Training.Prediction;

/// <summary>
/// New data read as a job's data kind for <c>rnn predict</c>: mnist-rows, the IDX images of a folder's split (labels
/// kept to print beside the prediction); csv, every window of the job's column, normalised with the mean and std the
/// model was trained with (model.safetensors' metadata), so predictions come back in the column's units. A window
/// at the end of the column has no (or part of its) target: those targets are NaN. text, the file cut into windows
/// of data.window characters (encoded with the model's vocabulary), each predicting the character after it.
/// </summary>
public sealed class PredictionInput
{
    private readonly double[] _series;

    private PredictionInput(PredictionKind kind, SampleSet samples, double mean = 0, double std = 1,
        CharVocabulary? vocabulary = null, double[]? series = null)
    {
        _series = series ?? [];
        Kind = kind;
        Samples = samples;
        Mean = mean;
        Std = std;
        Vocabulary = vocabulary;
    }

    public PredictionKind Kind { get; }

    /// <summary>
    /// The samples; for text, each sample's steps hold token ids (one "feature" per step, as the model's token input
    /// reads them) and its label is the next character's id, or -1 after the end of the file.
    /// </summary>
    public SampleSet Samples { get; }

    /// <summary>The model's characters (text only).</summary>
    public CharVocabulary? Vocabulary { get; }

    public double Mean { get; }

    public double Std { get; }

    /// <summary>
    /// Forecasts: the column's value <paramref name="step"/> (0-based) after the window of sample
    /// <paramref name="sample"/>, exactly as read; NaN past the column's end.
    /// </summary>
    public double Actual(int sample, int step)
    {
        var at = sample + Samples.Steps + step;
        return at < _series.Length ? _series[at] : double.NaN;
    }

    /// <summary>A normalised output back in the data's units.</summary>
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
                input = new PredictionInput(PredictionKind.Classes, SampleSetFactory.FromMnist(MnistIdxReader.ReadSplit(path, split)));
                break;
            case DataKinds.Csv:
                input = ReadWindows(data, path, modelMetadata);
                break;
            case DataKinds.Text:
                input = ReadText(data, path, modelMetadata);
                break;
            default:
                // The sequence kinds (issue 21) need their splits, classes and normalisers here; not built yet.
                throw new DataFormatException(path, $"is {data.Kind} data (the job's data.kind); rnn predict reads " +
                    $"{DataKinds.MnistRows}, {DataKinds.Csv} and {DataKinds.Text} jobs so far, not the sequence kinds");
        }
        return limit is { } n && n < input.Samples.Count
            ? new PredictionInput(input.Kind, input.Samples.Take(n), input.Mean, input.Std, input.Vocabulary, input._series)
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
        return new PredictionInput(PredictionKind.Forecast, new SampleSet(features, window, 1, new int[count], targets, horizon), mean, std, series: values);
    }

    private static PredictionInput ReadText(DataSpec data, string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("vocabulary", out var codes) || codes.Length == 0)
            throw new InvalidDataException("model.safetensors has no 'vocabulary' metadata, which a character model's file carries");
        var vocabulary = CharVocabulary.FromCodePoints(codes.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)));
        var tokens = vocabulary.Encode(File.ReadAllText(path));
        var window = data.Window!.Value;
        var count = tokens.Length / window;
        if (count < 1)
            throw new InvalidDataException($"{path} has {tokens.Length} characters, fewer than the job's data.window {window}");
        var features = new float[count * window];
        var next = new int[count];
        for (var s = 0; s < count; s++)
        {
            for (var t = 0; t < window; t++) features[s * window + t] = tokens[s * window + t];
            next[s] = (s + 1) * window < tokens.Length ? tokens[(s + 1) * window] : -1;
        }
        return new PredictionInput(PredictionKind.NextCharacter, new SampleSet(features, window, 1, next, [], 0), vocabulary: vocabulary);
    }

    private static double Number(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"model.safetensors has no '{key}' metadata, which a forecaster's model file carries; was it written by this version of rnn?");
}
