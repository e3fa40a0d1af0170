namespace Rnn.Silo.Jobs;

/// <summary>How a silo names a data file in messages: as the job gave it, relative to its data root (never the server's real path).</summary>
public interface IDataPathNames
{
    /// <summary><paramref name="message"/> with each absolute data path in it written relative to its data root.</summary>
    string Relative(string message, IEnumerable<string> absolutePaths);
}
