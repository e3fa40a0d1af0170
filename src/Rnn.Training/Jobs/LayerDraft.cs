using Rnn.Kernels.Layers;

namespace Rnn.Training.Jobs;

/// <summary>
/// A layer as read, before the whole job is known to be valid. Null fields were present but wrong (the error is
/// already recorded); the structure checks skip what they cannot know rather than pile on follow-up errors.
/// </summary>
internal sealed record LayerDraft(
    int Index, string Type, int? Units, bool UnitsFromVocabulary, bool? ReturnSequences, string? Activation, double? Rate,
    bool? Bidirectional = false, BidirectionalMerge? Merge = BidirectionalMerge.Concat)
{
    public bool IsRecurrent => LayerTypes.IsRecurrent(Type);

    public string FieldPath(string key) => $"model.layers[{Index}].{key}";

    /// <summary>Only called when the job has no errors, so every field that applies to the type is set.</summary>
    public LayerSpec ToSpec() => new()
    {
        Type = Type,
        Units = Units,
        UnitsFromVocabulary = UnitsFromVocabulary,
        ReturnSequences = ReturnSequences ?? false,
        Activation = Activation,
        Rate = Rate,
        Bidirectional = Bidirectional ?? false,
        Merge = Merge ?? BidirectionalMerge.Concat,
    };
}
