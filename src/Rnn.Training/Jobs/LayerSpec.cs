using System.Text.Json.Serialization;
using Rnn.Kernels.Layers;

namespace Rnn.Training.Jobs;

/// <summary>One entry of <c>model.layers</c>. Fields that do not apply to <see cref="Type"/> are null/default.</summary>
[GenerateSerializer]
[Alias("Rnn.LayerSpec")]
[Immutable]
public sealed record LayerSpec
{
    public const int MaxUnits = 65536;

    /// <summary>One of <see cref="LayerTypes"/>.</summary>
    [Id(0)] public required string Type { get; init; }

    /// <summary>
    /// Output width: hidden size (recurrent), output size (dense), vector size (embedding). Null for dropout, and for
    /// a dense layer written <c>"units": "vocab"</c> until <see cref="JobSpec.WithVocabularySize"/> fills it in.
    /// </summary>
    [Id(1)] public int? Units { get; init; }

    /// <summary>True for a text-model dense layer whose width is the data's vocabulary size (<c>"units": "vocab"</c>).</summary>
    [Id(2)] public bool UnitsFromVocabulary { get; init; }

    /// <summary>Recurrent: emit the output of every step (true) or only the last (false, the default).</summary>
    [Id(3)] public bool ReturnSequences { get; init; }

    /// <summary>
    /// Recurrent: also run the layer backward in time (Keras Bidirectional, PyTorch bidirectional=True), the two
    /// directions joined by <see cref="Merge"/> (job file: <c>"bidirectional": true</c>).
    /// </summary>
    [Id(6)] public bool Bidirectional { get; init; }

    /// <summary>Recurrent and <see cref="Bidirectional"/>: how the two directions join (job file: <c>"merge_mode"</c>, Keras' names; concat by default).</summary>
    [Id(7)] public BidirectionalMerge Merge { get; init; } = BidirectionalMerge.Concat;

    /// <summary>Dense: "linear" (default) or "softmax". Recurrent: "tanh". Null for embedding and dropout.</summary>
    [Id(4)] public string? Activation { get; init; }

    /// <summary>Dropout: the fraction of inputs zeroed during training, in [0, 1).</summary>
    [Id(5)] public double? Rate { get; init; }

    [JsonIgnore]
    public bool IsRecurrent => LayerTypes.IsRecurrent(Type);
}
