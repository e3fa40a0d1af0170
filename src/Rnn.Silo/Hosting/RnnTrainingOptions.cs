namespace Rnn.Silo.Hosting;

/// <summary>How a silo trains: its compute threads and how long the job grain waits for each piece of a step.</summary>
public sealed class RnnTrainingOptions
{
    /// <summary>Dedicated compute threads of this silo (kernels never run on the Orleans scheduler or thread pool).</summary>
    public int ComputeThreads { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Work items that may wait for a compute thread before callers are made to wait for a slot.</summary>
    public int ComputeQueueCapacity { get; set; } = 256;

    /// <summary>
    /// The deadline of each call in a step (shard compute, reduce, apply); past it the piece is asked for again.
    /// Below Orleans' 30 s call timeout so that our retry, not Orleans' timeout, decides.
    /// </summary>
    public TimeSpan StepCallDeadline { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How many times one piece of a step is asked for before the job fails.</summary>
    public int StepCallAttempts { get; set; } = 3;
}
