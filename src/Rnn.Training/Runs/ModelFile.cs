using System.Globalization;
using Rnn.Training.Safetensors;
using Rnn.Kernels.Tensors;
using Rnn.Training.Jobs;
using Rnn.Training.Steps;

namespace Rnn.Training.Runs;

/// <summary>
/// model.safetensors: every parameter under its PyTorch name (F32), with metadata that makes the file usable on its
/// own: the job name, the step, the resolved job (layers and data description, data paths cut to file names, so rnn
/// predict and rnn export need no job file beside a downloaded model), the character vocabulary of a text or text_column model, the normalisation
/// of a forecaster, and for the sequence kinds the class names (JSON array), the fitted normalisers (JSON {mean,
/// std}) and whether the model was trained on variable-length sequences.
/// </summary>
public static class ModelFile
{
    public static void Write(string path, TrainingSetup setup, ParameterLayout layout, ReadOnlySpan<float> parameters, long step)
    {
        var tensors = new List<SafetensorsTensor>();
        foreach (var view in layout.Views)
            tensors.Add(SafetensorsTensor.FromFloat32(view.Name, view.Shape, view.Of(parameters)));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["job"] = setup.Job.Name,
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["format"] = "rnn-distributed model; the tensor names are the state-dict keys of RnnModel in the run folder's model.py (weight_ih_l{k} per recurrent layer, dense.weight, embedding.weight)",
            ["parameters_sha256"] = ParameterHash.Sha256(layout, parameters),
            ["resolved_job"] = ResolvedJobFile.Serialize(WithoutFolders(setup.Resolved)),
        };
        if ((setup.Vocabulary ?? setup.Sequences?.Vocabulary) is { } vocabulary)
            metadata["vocabulary"] = string.Join(',', vocabulary.CodePoints.Select(c => c.ToString(CultureInfo.InvariantCulture)));
        if (setup.Windows is { } windows)
        {
            metadata["normalization_mean"] = windows.Mean.ToString("R", CultureInfo.InvariantCulture);
            metadata["normalization_std"] = windows.Std.ToString("R", CultureInfo.InvariantCulture);
        }
        if (setup.Sequences is { } sequences)
        {
            // Sequence kinds: what prediction needs to read new data as training did (docs/job-format.md).
            if (sequences.ClassNames is { } names) metadata["classes"] = System.Text.Json.JsonSerializer.Serialize(names);
            if (sequences.FeatureNormalizer is { } features) metadata["feature_normalizer"] = features.ToJson();
            if (sequences.TargetNormalizer is { } targets) metadata["target_normalizer"] = targets.ToJson();
            if (sequences.VariableLength) metadata["variable_length"] = "true";
            // A differenced series' outputs are changes from the window's last row (docs/job-format.md).
            if (setup.Job.Data.Difference == true) metadata["difference"] = "true";
        }
        SafetensorsWriter.Write(path, tensors, metadata);
    }

    /// <summary>
    /// The resolved job with its data paths cut to file names: a model file leaves the cluster, and a silo's folders
    /// are no business of whoever downloads it (prediction needs only the names: the job's y and lengths files).
    /// </summary>
    private static ResolvedJob WithoutFolders(ResolvedJob job)
    {
        static string? Name(string? path) => path is null ? null : Path.GetFileName(path.TrimEnd('/', '\\'));
        var d = job.Spec.Data;
        var data = d with
        {
            Path = Name(d.Path)!, X = Name(d.X), Y = Name(d.Y), Lengths = Name(d.Lengths),
            TestPath = Name(d.TestPath), ValidationPath = Name(d.ValidationPath),
        };
        var stripped = job with { Spec = job.Spec with { Data = data }, ContentHash = "" };
        return stripped with { ContentHash = ResolvedJobFile.Hash(stripped) };
    }

    /// <summary>Reads parameters back into a layout; every tensor must be present with the right shape.</summary>
    public static float[] ReadParameters(string path, ParameterLayout layout)
    {
        var file = SafetensorsFile.Read(path);
        var parameters = new float[layout.TotalLength];
        foreach (var view in layout.Views)
        {
            var tensor = file[view.Name];
            if (!tensor.Shape.SequenceEqual(view.Shape))
                throw new SafetensorsFormatException(path, view.Name,
                    $"{path}: tensor '{view.Name}' has shape [{string.Join(',', tensor.Shape)}] but the job's model needs [{string.Join(',', view.Shape)}]; was the model trained with another job file?");
            tensor.ToFloat32().CopyTo(view.Of(parameters.AsSpan()));
        }
        return parameters;
    }
}
