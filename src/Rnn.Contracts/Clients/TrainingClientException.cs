namespace Rnn.Contracts.Clients;

/// <summary>A call to the training cluster failed; <see cref="Kind"/> says how, the message says what to fix.</summary>
public sealed class TrainingClientException : Exception
{
    public TrainingClientException()
    {
    }

    public TrainingClientException(string message) : base(message)
    {
    }

    public TrainingClientException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public TrainingClientException(TrainingErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public TrainingErrorKind Kind { get; }
}
