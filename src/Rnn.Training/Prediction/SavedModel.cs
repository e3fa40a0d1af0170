using System.Globalization;
using System.Text.Json;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Training.Data;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Jobs;
using Rnn.Training.Runs;
using Rnn.Training.Safetensors;
using Rnn.Training.Steps;

namespace Rnn.Training.Prediction;

/// <summary>
/// A model folder's model.safetensors with the job it was trained with, as rnn predict and rnn export read them: the
/// layers (a dense layer's <c>"units": "vocab"</c> or <c>"classes"</c> taken from its tensor), the input (token ids
/// when the file holds embedding.weight, else the first layer's input width) and what the metadata says about the
/// data (class names, normalisers, vocabulary, variable lengths). Errors name model.safetensors and the key.
/// </summary>
public sealed class SavedModel
{
    private SavedModel(string path, JobSpec spec, SafetensorsFile file, IReadOnlyList<ResolvedLayer> layers, int inputSize, bool tokenInput)
    {
        ModelPath = path;
        Spec = spec;
        File = file;
        Layers = layers;
        InputSize = inputSize;
        TokenInput = tokenInput;
    }

    public string ModelPath { get; }

    public JobSpec Spec { get; }

    public SafetensorsFile File { get; }

    public IReadOnlyDictionary<string, string> Metadata => File.Metadata;

    public IReadOnlyList<ResolvedLayer> Layers { get; }

    /// <summary>Features per step, or the vocabulary size (embedding rows) for token input.</summary>
    public int InputSize { get; }

    public bool TokenInput { get; }

    /// <summary>
    /// Trained with per-sample lengths: the metadata says so (written since issue 23), or the data kind always has
    /// them (table, text_column).
    /// </summary>
    public bool VariableLength =>
        (Metadata.TryGetValue("variable_length", out var v) && v == "true") || Spec.Data.Kind is DataKinds.Table or DataKinds.TextColumn;

    /// <summary>The job saved in the model file's "resolved_job" metadata, or null for a file written before it was.</summary>
    public static JobSpec? JobFromMetadata(SafetensorsFile file, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.Metadata.TryGetValue("resolved_job", out var json)) return null;
        try
        {
            return ResolvedJobFile.Deserialize(json, "its 'resolved_job' metadata").Spec;
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(modelPath, e.Message, innerException: e);
        }
    }

    public static SavedModel Load(string modelPath, SafetensorsFile file, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(spec);
        var tokenInput = file.TryGet("embedding.weight", out var embedding);
        int inputSize;
        if (tokenInput) inputSize = (int)embedding.Shape[0];
        else
        {
            var first = spec.Model.Layers.FirstOrDefault(l => l.Type != LayerTypes.Dropout)
                ?? throw new DataFormatException(modelPath, "the job's model has no layers");
            var tensor = first.Type == LayerTypes.Dense ? "dense.weight" : "weight_ih_l0";
            inputSize = file.TryGet(tensor, out var weight) && weight.Shape.Length == 2
                ? (int)weight.Shape[1]
                : throw new DataFormatException(modelPath, $"has no 2-D tensor '{tensor}' for the job's first layer ({first.Type}): was it trained with another job file?");
        }
        // "units": "vocab" / "classes" layers: the width their tensor has (the dense layers are dense, dense_1, ...).
        var dense = 0;
        var layers = spec.Model.Layers.Select(l =>
        {
            if (l.Type != LayerTypes.Dense) return l;
            var name = (dense == 0 ? "dense" : $"dense_{dense}") + ".weight";
            dense++;
            if (!l.UnitsFromVocabulary && !l.UnitsFromClasses) return l;
            return file.TryGet(name, out var w) && w.Shape.Length == 2
                ? l with { Units = (int)w.Shape[0] }
                : throw new DataFormatException(modelPath, $"has no 2-D tensor '{name}': was it trained with another job file?");
        }).ToArray();
        var resolved = ResolvedLayer.From(spec.Model with { Layers = Array.AsReadOnly(layers) });
        return new SavedModel(modelPath, spec, file, resolved, inputSize, tokenInput);
    }

    /// <summary>The model (its buffers belong to one caller) and its parameters from the file.</summary>
    public (SequentialModel Model, float[] Parameters) Build(CpuCompute compute)
    {
        var model = TrainingSetup.BuildModel(Layers, InputSize, TokenInput, compute);
        return (model, ModelFile.ReadParameters(ModelPath, model.Layout));
    }

    /// <summary>The class names in index order: the "classes" metadata, else "0".."count-1" where the kind allows integer classes.</summary>
    public IReadOnlyList<string> ClassNames(int count, bool required)
    {
        if (Metadata.TryGetValue("classes", out var json))
        {
            string[]? names;
            try
            {
                names = JsonSerializer.Deserialize<string[]>(json);
            }
            catch (JsonException e)
            {
                throw new DataFormatException(ModelPath, $"metadata 'classes' is not a JSON array of strings: {e.Message}", innerException: e);
            }
            if (names is null || names.Length != count)
                throw new DataFormatException(ModelPath, $"metadata 'classes' names {names?.Length ?? 0} classes but the model's output has {count}");
            return names;
        }
        if (required)
            throw new DataFormatException(ModelPath,
                $"has no 'classes' metadata (the class map a model trained on {Spec.Data.Kind} data carries), so its outputs cannot be named; was it written by an older rnn?");
        return Enumerable.Range(0, count).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>A saved normaliser (feature_normalizer or target_normalizer); required when the job normalised.</summary>
    public FeatureNormalizer? Normalizer(string key, int width)
    {
        if (!Metadata.TryGetValue(key, out var json))
        {
            if (Spec.Data.Normalize == DataNormalizations.Standard)
                throw new DataFormatException(ModelPath, $"has no '{key}' metadata, which a model trained with \"normalize\": \"standard\" carries; was it written by an older rnn?");
            return null;
        }
        var normalizer = FeatureNormalizer.FromJson(json, $"{ModelPath} (metadata '{key}')");
        return normalizer.Width == width
            ? normalizer
            : throw new DataFormatException(ModelPath, $"metadata '{key}' has {normalizer.Width} columns, the data {width}");
    }

    /// <summary>The character vocabulary ("vocabulary" metadata) of a text or text_column model.</summary>
    public CharVocabulary Vocabulary()
    {
        if (!Metadata.TryGetValue("vocabulary", out var codes) || codes.Length == 0)
            throw new DataFormatException(ModelPath, "has no 'vocabulary' metadata, which a character model's file carries; was it written by an older rnn?");
        try
        {
            return CharVocabulary.FromCodePoints(codes.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)));
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new DataFormatException(ModelPath, $"the 'vocabulary' metadata is malformed: {e.Message}", innerException: e);
        }
    }
}
