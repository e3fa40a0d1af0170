using Rnn.Kernels.Backends;

namespace Rnn.Training.Jobs;

/// <summary>
/// A validated job file (see docs/job-format.md). Build one with <see cref="JobSpecParser"/>: the parser enforces
/// the rules that make a job runnable, which constructing the record directly does not.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.JobSpec")]
[Immutable]
public sealed record JobSpec
{
    /// <summary>Letters, digits, '.', '_' and '-'; used in run folders and metric attributes.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>With the job file, determines every parameter bit of a sync run.</summary>
    [Id(1)] public required ulong Seed { get; init; }

    [Id(2)] public required DataSpec Data { get; init; }

    [Id(3)] public required ModelSpec Model { get; init; }

    /// <summary>One of <see cref="LossNames"/>.</summary>
    [Id(4)] public required string Loss { get; init; }

    /// <summary>Names from <see cref="MetricNames"/>; empty when the job file has none.</summary>
    [Id(5)] public IReadOnlyList<string> Metrics { get; init; } = [];

    [Id(6)] public required OptimizerSpec Optimizer { get; init; }

    [Id(7)] public required TrainingSpec Training { get; init; }

    /// <summary>One of <see cref="BackendNames"/>.</summary>
    [Id(8)] public string Backend { get; init; } = BackendNames.Auto;

    /// <summary>
    /// <c>init_from</c>: a model folder or a model.safetensors whose weights the run starts from instead of the seeded
    /// initialisation (fine-tuning); null when the job starts from scratch. After resolution it is the full path of the
    /// model file (Resolution/InitWeights checks and hashes its weights).
    /// </summary>
    [Id(9)] public string? InitFrom { get; init; }

    /// <summary>The job-file field of <see cref="InitFrom"/>.</summary>
    public const string InitFromField = "init_from";

    /// <summary>The file a model folder given as <c>init_from</c> stands for.</summary>
    public const string InitFromModelFile = "model.safetensors";

    /// <summary>
    /// The full path of <c>data.path</c>. A relative path is tried against the current directory first, then against
    /// the job file's directory and each of its parents, so <c>rnn train examples/x.json</c> finds <c>data/...</c>
    /// from the repository root and from inside examples/. Throws <see cref="JobValidationException"/> listing every
    /// place tried when none holds the data (a folder for mnist-rows, a file otherwise).
    /// </summary>
    public string ResolveDataPath(string? jobFileDirectory)
    {
        var tried = new List<string>();
        foreach (var candidate in DataPathCandidates(jobFileDirectory))
        {
            if (tried.Contains(candidate, StringComparer.Ordinal)) continue;
            tried.Add(candidate);
            if (DataExistsAt(candidate)) return candidate;
        }

        var wanted = Data.Kind == DataKinds.MnistRows ? "folder" : "file";
        // A path that is there but the other kind is not "not found": say what it is.
        if (tried.FirstOrDefault(p => Data.Kind == DataKinds.MnistRows ? File.Exists(p) : Directory.Exists(p)) is { } other)
            throw new JobValidationException(Name, [new JobValidationError("data.path",
                $"{Data.Kind} data path '{Data.Path}' is a {(wanted == "folder" ? "file" : "folder")} ({other}); {Data.Kind} data is " +
                $"{(wanted == "folder" ? "a folder (train-images-idx3-ubyte, ...)" : "one file")}: fix data.path")]);
        var error = new JobValidationError(
            "data.path",
            $"{Data.Kind} data {wanted} '{Data.Path}' not found; looked in {string.Join(", ", tried)}; " +
            "fix the path (relative paths are tried from the current directory, then from the job file's folder and its parents)");
        throw new JobValidationException(Name, [error]);
    }

    /// <summary>
    /// A copy that is a job of <paramref name="steps"/> steps (training.steps set, training.epochs cleared), as
    /// <c>rnn train --steps</c> asks: the learning-rate schedule spans those steps and the run reads as complete.
    /// </summary>
    public JobSpec WithSteps(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return this with { Training = Training with { Steps = steps, Epochs = null } };
    }

    /// <summary>
    /// A copy whose <c>"units": "vocab"</c> layers have <paramref name="vocabularySize"/> units; call it once the text
    /// data is read. Specs without such layers come back unchanged.
    /// </summary>
    public JobSpec WithVocabularySize(int vocabularySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vocabularySize, LayerSpec.MaxUnits);
        if (!Model.Layers.Any(l => l.UnitsFromVocabulary)) return this;

        var layers = Model.Layers
            .Select(l => l.UnitsFromVocabulary ? l with { Units = vocabularySize } : l)
            .ToArray();
        return this with { Model = Model with { Layers = Array.AsReadOnly(layers) } };
    }

    /// <summary>
    /// A copy whose <c>"units": "classes"</c> layers have <paramref name="classes"/> units (the training classes of a
    /// sequence kind's class target). Specs without such layers come back unchanged.
    /// </summary>
    public JobSpec WithClassCount(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, LayerSpec.MaxUnits);
        if (!Model.Layers.Any(l => l.UnitsFromClasses)) return this;
        var layers = Model.Layers.Select(l => l.UnitsFromClasses ? l with { Units = classes } : l).ToArray();
        return this with { Model = Model with { Layers = Array.AsReadOnly(layers) } };
    }

    /// <summary>
    /// The full path of another file the data section names (<c>test_path</c>, <c>validation_path</c>), found as
    /// <c>data.path</c> is; throws <see cref="JobValidationException"/> naming <paramref name="field"/> when absent.
    /// </summary>
    public string ResolveDataFile(string path, string field, string? jobFileDirectory)
    {
        var tried = new List<string>();
        foreach (var candidate in PathCandidates(path, jobFileDirectory))
        {
            if (tried.Contains(candidate, StringComparer.Ordinal)) continue;
            tried.Add(candidate);
            if (File.Exists(candidate)) return candidate;
        }
        throw new JobValidationException(Name, [new JobValidationError(field,
            $"file '{path}' not found; looked in {string.Join(", ", tried)}; fix the path")]);
    }

    /// <summary>
    /// The full path of <c>init_from</c>'s model file, found as <c>data.path</c> is (current folder first, then the
    /// job file's folder and its parents); a folder stands for its <c>model.safetensors</c>. Throws
    /// <see cref="JobValidationException"/> on field <c>init_from</c> listing every place tried when none holds it.
    /// </summary>
    public string ResolveInitFrom(string? jobFileDirectory)
    {
        var given = InitFrom ?? throw new InvalidOperationException($"job '{Name}' has no init_from");
        var tried = new List<string>();
        foreach (var candidate in PathCandidates(given, jobFileDirectory))
        {
            if (tried.Contains(candidate, StringComparer.Ordinal)) continue;
            tried.Add(candidate);
            if (File.Exists(candidate)) return candidate;
            var inFolder = System.IO.Path.Combine(candidate, InitFromModelFile);
            if (Directory.Exists(candidate) && File.Exists(inFolder)) return inFolder;
        }
        throw new JobValidationException(Name, [new JobValidationError(InitFromField,
            $"no model '{given}' (a model folder holding {InitFromModelFile}, or that file); " +
            $"looked in {string.Join(", ", tried)}; fix the path")]);
    }

    private IEnumerable<string> DataPathCandidates(string? jobFileDirectory) => PathCandidates(Data.Path, jobFileDirectory);

    private static IEnumerable<string> PathCandidates(string path, string? jobFileDirectory)
    {
        if (System.IO.Path.IsPathRooted(path))
        {
            yield return System.IO.Path.GetFullPath(path);
            yield break;
        }

        yield return System.IO.Path.GetFullPath(path);
        if (string.IsNullOrEmpty(jobFileDirectory)) yield break;

        for (var dir = new DirectoryInfo(System.IO.Path.GetFullPath(jobFileDirectory)); dir is not null; dir = dir.Parent)
        {
            yield return System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, path));
        }
    }

    private bool DataExistsAt(string fullPath) =>
        Data.Kind == DataKinds.MnistRows ? Directory.Exists(fullPath) : File.Exists(fullPath);
}
