using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>Character sequences split, with the vocabulary of the training split (save it with the model).</summary>
public sealed record TextSequences(SplitDatasets Data, CharVocabulary Vocabulary);
