using Rnn.Training.Data;
using Rnn.Training.Jobs;

namespace Rnn.Training.Resolution;

/// <summary>
/// The resolution steps of the sequence kinds that need the data: the other files the data section names made
/// absolute, and the model fitted to what the data turned out to hold (the class count filled in, the output width
/// and token input checked), each error naming the field to change.
/// </summary>
internal static class SequenceJobChecks
{
    /// <summary>data.path absolute, and test_path, validation_path and an .npy path's y and lengths with it.</summary>
    public static DataSpec ResolveFiles(JobSpec spec, string dataPath, string? jobFileDirectory)
    {
        var data = spec.Data with { Path = dataPath };
        if (data.TestPath is { } test) data = data with { TestPath = spec.ResolveDataFile(test, "data.test_path", jobFileDirectory) };
        if (data.ValidationPath is { } validation)
            data = data with { ValidationPath = spec.ResolveDataFile(validation, "data.validation_path", jobFileDirectory) };
        if (data.Kind == DataKinds.Numpy && !dataPath.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
        {
            // .npy files: y and lengths sit beside x unless given with a folder of their own.
            var folder = Path.GetDirectoryName(dataPath)!;
            data = data with
            {
                Y = BesideX(spec, folder, data.Y!, "data.y"),
                Lengths = data.Lengths is { } lengths ? BesideX(spec, folder, lengths, "data.lengths") : null,
            };
        }
        return data;
    }

    private static string BesideX(JobSpec spec, string folder, string path, string field)
    {
        var full = Path.GetFullPath(Path.Combine(folder, path));
        if (File.Exists(full)) return full;
        throw new JobValidationException(spec.Name, [new JobValidationError(field,
            $"file '{path}' not found at {full} (an .npy path's y and lengths are read from x's folder); fix the path")]);
    }

    /// <summary>Fills "units": "classes" and checks the model's input and output against the data.</summary>
    public static JobSpec FitModel(JobSpec spec, DataShape shape)
    {
        var classTarget = DataTargets.IsClass(spec.Data.Target);
        var resolved = classTarget && shape.Classes >= 1 ? spec.WithClassCount(Math.Min(shape.Classes, LayerSpec.MaxUnits)) : spec;
        var errors = new List<JobValidationError>();
        var layers = resolved.Model.Layers;
        var outputField = $"model.layers[{layers.Count - 1}].units";
        var outputUnits = layers[^1].Units;
        if (classTarget && outputUnits != shape.Classes)
            errors.Add(new JobValidationError(outputField,
                $"the training split has {shape.Classes} classes, so the output layer needs \"units\": {shape.Classes} (or \"classes\"); got {outputUnits}"));
        if (!classTarget && outputUnits != shape.TargetWidth)
            errors.Add(new JobValidationError(outputField,
                $"each target row holds {shape.TargetWidth} value(s), so the output layer needs \"units\": {shape.TargetWidth}; got {outputUnits}"));
        var embedding = layers[0].Type == LayerTypes.Embedding;
        if (shape.TokenInput && !embedding)
            errors.Add(new JobValidationError("model.layers[0].type",
                $"the data is integer tokens (ids 0..{shape.InputSize - 1}), so the model must start with an embedding layer; insert {{ \"type\": \"embedding\", \"units\": 32 }}"));
        if (!shape.TokenInput && embedding)
            errors.Add(new JobValidationError("model.layers[0].type",
                $"the data is {shape.InputSize} float feature(s) per step, not token ids; remove the embedding layer"));
        if (errors.Count > 0) throw new JobValidationException(spec.Name, errors);
        return resolved;
    }
}
