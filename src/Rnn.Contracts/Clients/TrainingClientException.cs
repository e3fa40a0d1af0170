using Rnn.Contracts.Messages;

namespace Rnn.Contracts.Clients;

/// <summary>
/// A call to the training cluster failed; <see cref="Kind"/> says how, the message says what to fix, and
/// <see cref="FieldErrors"/> and <see cref="Details"/> say it for programs (the server's google.rpc error details).
/// </summary>
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

    /// <summary>Every problem with the job file or request, by field (google.rpc.BadRequest); empty when none came.</summary>
    public IReadOnlyList<JobFieldError> FieldErrors { get; init; } = [];

    /// <summary>The server's google.rpc.Status with all its details (QuotaFailure, ResourceInfo, ...), when it sent one.</summary>
    public Google.Rpc.Status? Details { get; init; }
}
