namespace Rnn.Silo.Jobs;

/// <summary>
/// A silo cannot read the part of a job's data it was given (a shard's partition, or the held-out splits where the
/// job is evaluated): the file is missing, unreadable, no longer a regular file, or changed after submission. The
/// message names the silo and the file as the job gave it (relative to the data root). Every silo that could host
/// the part would read the same file, so the job fails with this message instead of rolling back.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.SiloDataException")]
public sealed class SiloDataException : Exception
{
    public SiloDataException()
    {
    }

    public SiloDataException(string message) : base(message)
    {
    }

    public SiloDataException(string message, Exception inner) : base(message, inner)
    {
    }
}
