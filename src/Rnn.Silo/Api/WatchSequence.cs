namespace Rnn.Silo.Api;

/// <summary>
/// The sequence numbers of WatchJob's events (JobEvent.sequence): 8 × steps done + the event's place after that many
/// steps. Derived from the job's history rather than counted, so every watch of a job, on any silo, before or after a
/// rollback or a resume, gives an event the same number, and a watch can start from any number.
/// </summary>
public static class WatchSequence
{
    private const long PerStep = 8;

    /// <summary>The job was accepted (before any step).</summary>
    public const long Queued = 0;

    /// <summary>The job began stepping (once, before its first step).</summary>
    public const long Running = 3;

    /// <summary>Step <paramref name="step"/> (zero-based) finished: steps done = step + 1, place 0.</summary>
    public static long Step(long step) => PerStep * (step + 1);

    public static long Evaluation(long stepsDone) => PerStep * stepsDone + 1;

    public static long Checkpoint(long stepsDone) => PerStep * stepsDone + 2;

    /// <summary>Completed, failed or cancelled with this many steps done.</summary>
    public static long Final(long stepsDone) => PerStep * stepsDone + 4;

    /// <summary>from_step k asks for the events after k steps: the evaluation after k steps on.</summary>
    public static long FromStep(long stepsDone) => stepsDone > 0 ? Evaluation(stepsDone) : 0;

    /// <summary>The first step index whose event is at or after <paramref name="sequence"/>.</summary>
    public static long FirstStepAtOrAfter(long sequence) => Math.Max(0, (sequence + PerStep - 1) / PerStep - 1);
}
