namespace Rnn.Training.Data;

/// <summary>
/// What a job's resolution needs from its data, without the data itself: the input width per step (features, or
/// the vocabulary size for text), whether input is tokens, and how many training items there are (samples or
/// windows; characters for text) after <c>data.limit</c>. The sequence kinds add the training classes of a class
/// target (0 otherwise) and the floats per target row of a value target (0 otherwise).
/// </summary>
public sealed record DataShape(int InputSize, bool TokenInput, int TrainingItems, int Classes = 0, int TargetWidth = 0);
