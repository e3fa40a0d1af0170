using Rnn.Contracts.Messages;
using Rnn.Silo.Jobs;
using Rnn.Training.Checkpoints;
using Rnn.Training.Jobs;

namespace Rnn.Silo.Hosting;

/// <summary>
/// For a host that gave its silos a runs root (rnn train --resume): what the job grain will answer to resuming the
/// newest run of <c>job</c>'s name under that root, asked before any silo starts, and the step it will resume from.
/// </summary>
public static class ResumeCheck
{
    /// <returns>Every refusal (empty when the run can be resumed) and the step of its last checkpoint (0 when none).</returns>
    public static (IReadOnlyList<JobFieldError> Refusals, long FromStep) Of(string runsRoot, ResolvedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var folder = RunFolder.For(runsRoot, job.Name);
        return (RunResumption.Check(folder, job), CheckpointStore.ReadStep(folder.CheckpointFolder) ?? 0);
    }
}
