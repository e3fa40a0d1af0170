namespace Rnn.Harness.Golden;

/// <summary>A reference case whose metadata or tensors do not describe a case this runner understands.</summary>
public sealed class GoldenCaseException(string message) : Exception(message);
