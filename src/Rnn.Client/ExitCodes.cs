namespace Rnn.Client;

/// <summary>
/// The process exit codes of every <c>rnn</c> command. Scripts and CI branch on them, so they are part of the public
/// interface: documented in <c>--help</c> and docs/cli.md, and never reused for another meaning.
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran, and its result is a failure: a golden case out of tolerance, a training run that stopped on a non-finite loss.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: unknown option or value, a missing or empty folder, an unknown backend.</summary>
    public const int Usage = 2;

    /// <summary>The job file is missing or invalid; every problem is printed with its field.</summary>
    public const int InvalidJob = 3;

    /// <summary>A data or model file is missing or malformed.</summary>
    public const int DataError = 4;

    /// <summary>The cluster could not be reached: connection refused, unknown host, TLS failure, timed out.</summary>
    public const int CannotConnect = 5;

    /// <summary>The cluster refused the token: missing, unknown (unauthenticated) or not allowed (permission denied).</summary>
    public const int NotAuthorized = 6;

    /// <summary>No such job for this token's tenant (or another tenant's), or a file of it not written yet.</summary>
    public const int NotFound = 7;

    /// <summary>The cluster refused the job over one of its limits: job file size, concurrent jobs of the tenant.</summary>
    public const int LimitExceeded = 8;

    /// <summary>A bug in rnn (BSD EX_SOFTWARE); rerun with --verbose for the stack trace.</summary>
    public const int InternalError = 70;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>The table printed at the end of <c>--help</c>.</summary>
    internal static IReadOnlyList<(int Code, string Meaning)> Table { get; } =
    [
        (Success, "success"),
        (Failed, "the command ran and its result is a failure (golden case out of tolerance, training stopped on a non-finite loss, a followed job failed or was cancelled)"),
        (Usage, "bad command line: unknown option or value, missing or empty folder, unknown backend"),
        (InvalidJob, "the job file is missing or invalid (each problem is printed with its field)"),
        (DataError, "a data or model file is missing or malformed"),
        (CannotConnect, "cannot connect to the cluster (--endpoint / RNN_ENDPOINT): refused, unreachable, TLS failure"),
        (NotAuthorized, "the cluster refused the token (--token / RNN_TOKEN): missing, unknown or not permitted"),
        (NotFound, "no such job for this tenant, or the requested file of it does not exist yet"),
        (LimitExceeded, "the cluster refused the job over a limit (job file size, concurrent jobs per tenant)"),
        (InternalError, "internal error in rnn; rerun with --verbose for the stack trace"),
        (Interrupted, "interrupted (Ctrl+C)"),
    ];
}
