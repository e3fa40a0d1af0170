namespace Rnn.Contracts.Clients;

/// <summary>What kind of failure a <see cref="TrainingClientException"/> is: callers (and rnn's exit codes) branch on it.</summary>
public enum TrainingErrorKind
{
    /// <summary>Anything not listed below (an internal error on the server).</summary>
    Failed,

    /// <summary>The request was wrong: an invalid job file (the message names every field) or argument.</summary>
    InvalidArgument,

    /// <summary>No such job for this tenant (or another tenant's), or a file not written yet.</summary>
    NotFound,

    /// <summary>No token, or one the cluster does not know.</summary>
    Unauthenticated,

    /// <summary>The token is known but may not do this.</summary>
    PermissionDenied,

    /// <summary>Over a limit of the cluster: job file size, concurrent jobs of the tenant.</summary>
    ResourceExhausted,

    /// <summary>The cluster could not be reached (refused, unreachable, TLS failure, timed out).</summary>
    Unavailable,
}
