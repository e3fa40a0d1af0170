using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// The windows of a wide series, split; the normalisers (null without normalisation, or for class targets) to save
/// with the model. A target value k of a window belongs to target column k mod (number of target columns).
/// </summary>
public sealed record WideSeries(SplitDatasets Data, FeatureNormalizer? Features, FeatureNormalizer? Targets);
