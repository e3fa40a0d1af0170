using Rnn.Kernels.Jobs;
using Rnn.Kernels.Training;

namespace Rnn.Client.Training;

/// <summary>Opens single-process training runs on the kernels' <see cref="Trainer"/>.</summary>
internal sealed class KernelTrainingRunFactory : ITrainingRunFactory
{
    public ITrainingRun Open(JobSpec job, string? jobFileDirectory, int threads, string outputDirectory)
    {
        // Reads (and checks) the data before the run folder exists, so a bad data path leaves nothing behind.
        var setup = TrainingSetup.Load(job, jobFileDirectory);
        return new KernelTrainingRun(setup, threads, outputDirectory);
    }
}
