using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using Rnn.Training.Jobs;
using Rnn.Training.Safetensors;

namespace Rnn.Training.Resolution;

/// <summary>
/// <c>"init_from": PATH</c>: a run that starts from trained weights. At the edge (<see cref="JobResolver"/>) the path is
/// found (a model folder stands for its model.safetensors), every tensor is checked against the job's parameter
/// layout, and every problem is named at once (a missing parameter, one the job does not have, a shape that differs:
/// name, the job's shape, the file's shape); the resolved job then holds the file's full path and the
/// <see cref="ParameterHash"/> of the weights read (<see cref="ResolvedJob.InitFromSha256"/>, part of the content
/// hash), so a fine-tuning run is as reproducible as one from the seed. Where the job trains, <see cref="Load"/> reads
/// the file again and refuses it if its weights changed since. Only parameters are taken: the optimizer starts fresh.
/// </summary>
public static class InitWeights
{
    public const string Field = JobSpec.InitFromField;

    /// <summary>
    /// The resolved job with <c>init_from</c> made the model file's full path and its weights' hash recorded; the job
    /// unchanged when it has no init_from. <paramref name="modelPath"/> is the file already found (and, in a cluster,
    /// confined to the data roots); null looks it up as <see cref="JobSpec.ResolveInitFrom"/> does.
    /// </summary>
    /// <exception cref="JobValidationException">On <c>init_from</c>: not found, or the weights do not fit the job's model.</exception>
    /// <exception cref="SafetensorsFormatException">The file is not a safetensors file.</exception>
    public static ResolvedJob Attach(ResolvedJob job, string? jobFileDirectory, string? modelPath = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Spec.InitFrom is null) return job;
        var path = modelPath ?? job.Spec.ResolveInitFrom(jobFileDirectory);
        var layout = LayoutOf(job);
        var parameters = Read(job.Name, path, layout);
        return job with
        {
            Spec = job.Spec with { InitFrom = path },
            InitFromSha256 = ParameterHash.Sha256(layout, parameters),
        };
    }

    /// <summary>The weights of a resolved job's init_from, checked against the hash taken at submission.</summary>
    /// <exception cref="InvalidDataException">The file is gone, damaged, or holds other weights than at submission.</exception>
    public static float[] Load(ResolvedJob job, ParameterLayout layout)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(layout);
        var path = job.Spec.InitFrom ?? throw new InvalidOperationException($"job '{job.Name}' has no init_from");
        float[] parameters;
        try
        {
            parameters = Read(job.Name, path, layout);
        }
        catch (Exception e) when (e is JobValidationException or SafetensorsFormatException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"init_from {path} cannot be read as it was at submission: {e.Message}", e);
        }
        var hash = ParameterHash.Sha256(layout, parameters);
        if (hash != job.InitFromSha256)
            throw new InvalidDataException($"init_from {path} changed after job '{job.Name}' was submitted: its weights hash to " +
                $"{hash}, the job was resolved with {job.InitFromSha256}; submit the job again");
        return parameters;
    }

    /// <summary>The parameter layout of the job's model (names and shapes as in model.safetensors).</summary>
    public static ParameterLayout LayoutOf(ResolvedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var compute = new CpuCompute(1);
        return ModelBuilder.Build(job.Layers, job.InputSize, job.TokenInput, compute).Layout;
    }

    /// <summary>Reads <paramref name="path"/> into <paramref name="layout"/>, naming every tensor that does not fit.</summary>
    /// <exception cref="JobValidationException">On <c>init_from</c>, one error per problem.</exception>
    public static float[] Read(string jobName, string path, ParameterLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var file = SafetensorsFile.Read(path);
        var errors = new List<JobValidationError>();
        var parameters = new float[layout.TotalLength];
        foreach (var view in layout.Views)
        {
            if (!file.TryGet(view.Name, out var tensor))
            {
                errors.Add(new(Field, $"parameter '{view.Name}' {Shape(view.Shape)} of the job's model is missing from {path}"));
                continue;
            }
            if (!tensor.Shape.SequenceEqual(view.Shape))
            {
                errors.Add(new(Field, $"parameter '{view.Name}': the job's model needs shape {Shape(view.Shape)}, {path} has {Shape(tensor.Shape)}"));
                continue;
            }
            try
            {
                tensor.ToFloat32().CopyTo(view.Of(parameters.AsSpan()));
            }
            catch (InvalidOperationException)
            {
                errors.Add(new(Field, $"parameter '{view.Name}' in {path} is {tensor.DType.ToHeaderName()}, not a float type"));
            }
        }
        foreach (var extra in file.Tensors.Where(t => !layout.Contains(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal))
            errors.Add(new(Field, $"parameter '{extra.Name}' {Shape(extra.Shape)} in {path} is not in the job's model"));
        if (errors.Count > 0)
        {
            errors.Add(new(Field, $"{path} does not fit the job's model ({errors.Count} problem(s) above): init_from needs a model " +
                "trained with the same layers and input (model section, data kind and width); fix init_from or the model section"));
            throw new JobValidationException(jobName, errors);
        }
        return parameters;
    }

    private static string Shape(IEnumerable<int> shape) => "[" + string.Join(',', shape) + "]";
}
