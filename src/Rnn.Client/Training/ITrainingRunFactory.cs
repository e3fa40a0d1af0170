using Rnn.Kernels.Jobs;

namespace Rnn.Client.Training;

/// <summary>Starts a training run for a validated job; tests substitute a scripted run here.</summary>
internal interface ITrainingRunFactory
{
    /// <param name="jobFileDirectory">Where the job file is; relative data paths are also looked up from there.</param>
    /// <param name="outputDirectory">The run folder; created once the run can start, and written as training goes
    /// (per-step metrics), so a crashed run keeps its history.</param>
    ITrainingRun Open(JobSpec job, string? jobFileDirectory, int threads, string outputDirectory);
}
