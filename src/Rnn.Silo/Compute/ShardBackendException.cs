namespace Rnn.Silo.Compute;

/// <summary>
/// A shard cannot create the compute backend its job resolved to on the silo it was placed on (e.g. "cuda" on a
/// silo whose GPU or driver is missing). Retrying would place it there again, so the job fails with this message
/// instead of rolling back until its stall timeout.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.ShardBackendException")]
public sealed class ShardBackendException : Exception
{
    public ShardBackendException()
    {
    }

    public ShardBackendException(string message) : base(message)
    {
    }

    public ShardBackendException(string message, Exception inner) : base(message, inner)
    {
    }
}
