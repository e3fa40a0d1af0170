namespace Rnn.Training.Steps;

/// <summary>Training stopped on purpose, e.g. a non-finite gradient under nan_policy "fail"; the message says where.</summary>
public sealed class TrainingFailedException(string message) : Exception(message);
