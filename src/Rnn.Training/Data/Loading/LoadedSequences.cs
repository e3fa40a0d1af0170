using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Loading;

/// <summary>
/// A sequence kind's data as one job sees it: the splits (class lists fitted on training), the padded length T every
/// batch uses, the input width (features, or the vocabulary for tokens), the classes of a class target, and what to
/// save with the model (vocabulary, class names, normalisers).
/// </summary>
public sealed record LoadedSequences(
    SplitDatasets Data,
    int Steps,
    int InputSize,
    bool TokenInput,
    bool VariableLength,
    int Classes,
    CharVocabulary? Vocabulary,
    FeatureNormalizer? FeatureNormalizer,
    FeatureNormalizer? TargetNormalizer)
{
    /// <summary>Class names in index order (string targets), or null.</summary>
    public IReadOnlyList<string>? ClassNames => Data.Train.ClassNames;
}
