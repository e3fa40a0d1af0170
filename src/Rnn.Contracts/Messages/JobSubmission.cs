using Rnn.Training.Jobs;

namespace Rnn.Contracts.Messages;

/// <summary>
/// A job as the job grain receives it: resolved once where it entered (<see cref="Rnn.Training.Resolution.JobResolver"/>), and the job file's
/// text as it was submitted, which the run folder keeps as job.json for people and <c>rnn eval</c> (no grain parses it).
/// <see cref="Resume"/> asks the job grain to continue the newest run of the job's name from its last checkpoint
/// (<c>rnn train --resume</c>) instead of starting a new run; the job must be the one that run was resolved to.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.JobSubmission")]
[Immutable]
public sealed record JobSubmission(
    [property: Id(0)] ResolvedJob Job,
    [property: Id(1)] string JobFileText,
    [property: Id(2)] bool Resume = false);
