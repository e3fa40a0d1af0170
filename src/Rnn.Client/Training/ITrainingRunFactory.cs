using Rnn.Kernels.Jobs;

namespace Rnn.Client.Training;

/// <summary>Starts a training run for a validated job; tests substitute a scripted run here.</summary>
internal interface ITrainingRunFactory
{
    /// <param name="jobFileDirectory">Where the job file is; relative data paths are also looked up from there.</param>
    ITrainingRun Open(JobSpec job, string? jobFileDirectory, int threads);
}
