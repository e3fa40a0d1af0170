namespace Rnn.Silo.Configuration;

/// <summary>
/// How a silo trains: its compute threads, where job folders live, how long the job grain waits for each piece of a
/// step and how it recovers from faults.
/// </summary>
public sealed class RnnTrainingOptions
{
    /// <summary>Dedicated compute threads of this silo (kernels never run on the Orleans scheduler or thread pool).</summary>
    public int ComputeThreads { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Whether a job driven on this silo while it is the cluster's only active silo runs its steps here, without shard
    /// and parameter-server grains (<see cref="Coordination.InProcessSteps"/>: the same bits, one hand-off a step instead
    /// of a shard call, a push and a reduce-and-apply call). The CLI's one-silo local mode turns it on; off elsewhere,
    /// so a one-silo deployment or test cluster runs the grains it will run across silos. A driver decides when it
    /// starts (a new run, a rollback, a resume).
    /// </summary>
    public bool InProcessSteps { get; set; }

    /// <summary>Work items that may wait for a compute thread before callers are made to wait for a slot.</summary>
    public int ComputeQueueCapacity { get; set; } = 256;

    /// <summary>
    /// The deadline of each call in a step (shard compute, reduce, apply); past it the piece is asked for again.
    /// Below Orleans' 30 s call timeout so that our retry, not Orleans' timeout, decides.
    /// </summary>
    public TimeSpan StepCallDeadline { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How many times one piece of a step is asked for before the step counts as interrupted (rollback).</summary>
    public int StepCallAttempts { get; set; } = 3;

    /// <summary>
    /// The folder all silos share for job folders ({RunsRoot}/{job name}/: checkpoint, job.json, metrics.csv, model,
    /// summary). It is the durable truth from which a job resumes when the silo of its job grain dies.
    /// </summary>
    public string RunsRoot { get; set; } = Path.Combine(Environment.CurrentDirectory, "runs");

    /// <summary>How often each silo looks for unfinished job folders and pings their job grains (re-activating them).</summary>
    public TimeSpan ResumeScanInterval { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Pause before trying again to roll a job back when the rollback itself failed (e.g. a silo not yet declared dead).</summary>
    public TimeSpan RollbackRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a job may go without completing a step (rolling back and retrying) before it fails.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Rollbacks allowed without a new checkpoint in between: a fault that recurs at the same step every time is a bug
    /// or bad data, not a lost silo, and fails the job instead of replaying forever.
    /// </summary>
    public int MaxRollbacksPerCheckpoint { get; set; } = 8;

    /// <summary>
    /// Whether this silo offers a GPU to cuda jobs (silo metadata gpu=true): null (the default) asks ILGPU whether a
    /// CUDA device is there; false keeps a GPU silo out of cuda jobs; true claims one without asking (its cuda
    /// shards then fail with "needs an NVIDIA GPU" if there is none; tests use it to check placement).
    /// </summary>
    public bool? AdvertiseGpu { get; set; }

    /// <summary>
    /// TESTS ONLY: extra time added to the compute of the shards named here (shard id → delay), so a test can make a
    /// straggler and check that telemetry names it. Empty in every real configuration; never bind it from settings.
    /// </summary>
    public IReadOnlyDictionary<int, TimeSpan> ShardDelay { get; set; } = new Dictionary<int, TimeSpan>();
}
