using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Loading;

/// <summary>
/// A sequence kind's data as one job sees it: the splits (class lists fitted on training), the padded length T every
/// batch uses, the input width (features, or the vocabulary for tokens), the classes of a class target, and what to
/// save with the model (vocabulary, class names, normalisers). <see cref="Data"/> is null once the splits became
/// sample sets (<see cref="WithoutSplits"/>), so a job does not hold its data twice.
/// </summary>
public sealed record LoadedSequences(
    SplitDatasets? Data,
    int Steps,
    int InputSize,
    bool TokenInput,
    bool VariableLength,
    int Classes,
    CharVocabulary? Vocabulary,
    FeatureNormalizer? FeatureNormalizer,
    FeatureNormalizer? TargetNormalizer,
    IReadOnlyList<string>? ClassNames)
{
    /// <summary>Sequences in data.path before the split and data.limit (windows of a wide series).</summary>
    public int SourceItems { get; init; }

    /// <summary>The same facts without the sequences themselves.</summary>
    public LoadedSequences WithoutSplits() => this with { Data = null };
}
