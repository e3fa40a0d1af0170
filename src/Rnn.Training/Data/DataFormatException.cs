namespace Rnn.Training.Data;

/// <summary>
/// A data file exists but its content is not what the reader expects. The message always starts with the file's full
/// path, so a user can tell which file to fix; <see cref="LineNumber"/> is set for line-oriented formats (CSV).
/// (Not an <see cref="InvalidDataException"/>: that type is sealed.)
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string filePath, string problem, int? lineNumber = null, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    /// <summary>Full path of the offending file.</summary>
    public string FilePath { get; }

    /// <summary>1-based line of the problem, where the format has lines; otherwise null.</summary>
    public int? LineNumber { get; }
}
