namespace Rnn.Silo.Recovery;

/// <summary>
/// The job folder's run.json names a newer generation (or another run) than this driver's: another activation has
/// taken the job over, so this one must stop without writing anything more.
/// </summary>
public sealed class DriverSupersededException : Exception
{
    public DriverSupersededException()
    {
    }

    public DriverSupersededException(string message) : base(message)
    {
    }

    public DriverSupersededException(string message, Exception inner) : base(message, inner)
    {
    }
}
