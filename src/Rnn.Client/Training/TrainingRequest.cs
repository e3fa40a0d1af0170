using Rnn.Training.Jobs;

namespace Rnn.Client.Training;

/// <summary>What the train command asks to run: the validated job, its file's folder, and the local cluster's shape.</summary>
/// <param name="JobFileText">The job file's text as the user wrote it (the run folder keeps it as job.json).</param>
/// <param name="JobFileDirectory">Where the job file is (relative data paths are also looked up there); null for the embedded example.</param>
/// <param name="Threads">Compute threads of each silo.</param>
/// <param name="RunsRoot">The folder the job's run folder (RunsRoot/&lt;job name&gt;) is written in.</param>
/// <param name="Silos">Silos on this machine: 1 runs in this process, more start child processes.</param>
internal sealed record TrainingRequest(
    JobSpec Job, string JobFileText, string? JobFileDirectory, int Threads, string RunsRoot, int Silos, ChaosPlan? Chaos)
{
    public string RunFolder => Path.Combine(RunsRoot, Job.Name);

    /// <summary>Continue the newest run in <see cref="RunFolder"/> from its last checkpoint (<c>--resume</c>) instead of starting one.</summary>
    public bool Resume { get; init; }
}
