using Rnn.Client.Commands;
using Rnn.Kernels.Jobs;

namespace Rnn.Client.Training;

/// <summary>Opens single-process training runs on the kernels' trainer.</summary>
internal sealed class KernelTrainingRunFactory : ITrainingRunFactory
{
    public ITrainingRun Open(JobSpec job, string? jobFileDirectory, int threads) =>
        throw new CommandException(ExitCodes.Failed, "training is not available in this build yet (the trainer has not landed)");
}
