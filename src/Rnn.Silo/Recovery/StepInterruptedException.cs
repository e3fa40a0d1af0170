namespace Rnn.Silo.Recovery;

/// <summary>
/// A step could not be completed because a grain did not answer within its deadline or lost its state (its silo
/// died). Not a failure of the job: the job grain rolls every grain back to the last checkpoint and replays.
/// </summary>
public sealed class StepInterruptedException : Exception
{
    public StepInterruptedException()
    {
    }

    public StepInterruptedException(string message) : base(message)
    {
    }

    public StepInterruptedException(string message, Exception inner) : base(message, inner)
    {
    }
}
