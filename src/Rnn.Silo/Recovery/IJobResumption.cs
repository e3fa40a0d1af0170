using Orleans.Concurrency;

namespace Rnn.Silo.Recovery;

/// <summary>
/// The silo-internal face of the job grain (same grain, key = job id) used by <see cref="UnfinishedJobResumer"/>:
/// calling it re-activates a job grain whose silo died, and makes it resume its run from the folder when it no longer
/// knows the job (its memory storage was lost too). Not part of the public contracts.
/// </summary>
[Alias("Rnn.IJobResumption")]
public interface IJobResumption : IGrainWithStringKey
{
    /// <summary>Resumes the unfinished run in <paramref name="jobFolder"/> unless this grain is already driving it.</summary>
    [AlwaysInterleave]
    [Alias("Resume")]
    Task ResumeAsync(string jobFolder);
}
