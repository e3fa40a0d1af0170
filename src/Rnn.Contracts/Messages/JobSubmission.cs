using Rnn.Training.Jobs;

namespace Rnn.Contracts.Messages;

/// <summary>
/// A job as the job grain receives it: resolved once where it entered (<see cref="Rnn.Training.Resolution.JobResolver"/>), and the job file's
/// text as it was submitted, which the run folder keeps as job.json for people and <c>rnn eval</c> (no grain parses it).
/// </summary>
[GenerateSerializer]
[Alias("Rnn.JobSubmission")]
[Immutable]
public sealed record JobSubmission(
    [property: Id(0)] ResolvedJob Job,
    [property: Id(1)] string JobFileText);
