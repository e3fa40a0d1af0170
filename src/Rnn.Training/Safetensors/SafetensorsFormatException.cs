namespace Rnn.Training.Safetensors;

/// <summary>
/// A safetensors file could not be read (missing, truncated, malformed header, inconsistent tensor entries) or a
/// tensor was asked for that it does not hold. The message names the file, the tensor when there is one, what is
/// wrong and what to do about it.
/// </summary>
public sealed class SafetensorsFormatException : Exception
{
    public SafetensorsFormatException(string filePath, string? tensorName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>The path (or, for in-memory parses, the source name) of the offending file.</summary>
    public string FilePath { get; }

    /// <summary>The tensor the problem concerns, or null when it concerns the file as a whole.</summary>
    public string? TensorName { get; }
}
