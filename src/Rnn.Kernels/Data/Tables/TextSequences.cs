using Rnn.Kernels.Data.Sequences;

namespace Rnn.Kernels.Data.Tables;

/// <summary>Character sequences split, with the vocabulary of the training split (save it with the model).</summary>
public sealed record TextSequences(SplitDatasets Data, CharVocabulary Vocabulary);
