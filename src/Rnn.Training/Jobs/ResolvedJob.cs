using System.Text.Json.Serialization;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Losses;
using Rnn.Kernels.Optimizers;

namespace Rnn.Training.Jobs;

/// <summary>
/// A job parsed and resolved once, at the edge where it enters (the <c>rnn</c> tool for local runs, the API for
/// remote ones) by <see cref="Rnn.Training.Resolution.JobResolver"/>: the validated spec with its data path absolute, <c>--steps</c> applied
/// and vocabulary-sized layers filled in; the choices as enums; the sizes the data implies; and a content hash.
/// Grains receive this record and key their caches by <see cref="ContentHash"/>; nothing parses job text again.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.ResolvedJob")]
[Immutable]
public sealed record ResolvedJob
{
    [Id(0)] public required JobSpec Spec { get; init; }

    [Id(1)] public required IReadOnlyList<ResolvedLayer> Layers { get; init; }

    [Id(2)] public required LossKind Loss { get; init; }

    [Id(3)] public required OptimizerKind Optimizer { get; init; }

    [Id(4)] public required TrainingMode Mode { get; init; }

    /// <summary>What the job asked for; a silo turns <see cref="BackendKind.Auto"/> into a concrete one at submission.</summary>
    [Id(5)] public required BackendKind Backend { get; init; }

    /// <summary>Features per time step, or the vocabulary size for token input.</summary>
    [Id(6)] public required int InputSize { get; init; }

    [Id(7)] public required bool TokenInput { get; init; }

    /// <summary>Training samples (images, windows) or, for text, training characters, after <c>data.limit</c>.</summary>
    [Id(8)] public required int TrainingItems { get; init; }

    [Id(9)] public required int StepsPerEpoch { get; init; }

    /// <summary>training.steps, or epochs × steps per epoch.</summary>
    [Id(10)] public required long TotalSteps { get; init; }

    /// <summary>SHA-256 (hex) of the job's canonical form (<see cref="ResolvedJobFile"/>), this field left out.</summary>
    [Id(11)] public string ContentHash { get; init; } = "";

    /// <summary>
    /// With <c>init_from</c>: the <see cref="Rnn.Kernels.Tensors.ParameterHash"/> of the weights the run starts from
    /// (the earlier run's parameters_sha256), taken at resolution; null otherwise, and then absent from the canonical
    /// form, so jobs without init_from hash as before.
    /// </summary>
    [Id(12)] public string? InitFromSha256 { get; init; }

    /// <summary>
    /// The sequence kinds' facts about the whole data set (classes, normalisers, vocabulary, counts), fixed at
    /// resolution so that a shard reads only its own partition; null for the fixed kinds (left out of the canonical form).
    /// </summary>
    [Id(13)] public ResolvedData? DataFacts { get; init; }

    [JsonIgnore]
    public string Name => Spec.Name;

    /// <summary>The data's absolute path (a folder for mnist-rows, a file otherwise).</summary>
    [JsonIgnore]
    public string DataPath => Spec.Data.Path;

    [JsonIgnore]
    public int Shards => Spec.Training.Shards;

    [JsonIgnore]
    public int ShardBatch => Spec.Training.BatchSize / Spec.Training.Shards;

    /// <summary>
    /// Two resolved jobs are the same job when their content hashes agree: the hash covers every field, and the
    /// spec's lists would otherwise compare by reference (a copy deserialised on another silo never equals the
    /// original), so record equality of anything holding a job (e.g. a grain's job definition) would fail.
    /// </summary>
    public bool Equals(ResolvedJob? other) => other is not null && ContentHash == other.ContentHash;

    public override int GetHashCode() => ContentHash.GetHashCode(StringComparison.Ordinal);
}
