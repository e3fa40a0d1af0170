using Rnn.Client.Training;
using Rnn.Kernels.Jobs;

namespace Rnn.Client.Tests.Support;

/// <summary>Hands the train command a scripted run, and records what it was asked to open.</summary>
internal sealed class ScriptedRunFactory(ScriptedTrainingRun run) : ITrainingRunFactory
{
    public JobSpec? Job { get; private set; }

    public int Threads { get; private set; }

    /// <summary>Thrown by Open instead of returning the run (e.g. a data file that cannot be read).</summary>
    public Exception? OpenFailure { get; set; }

    public string? OutputDirectory { get; private set; }

    public ITrainingRun Open(JobSpec job, string? jobFileDirectory, int threads, string outputDirectory)
    {
        OutputDirectory = outputDirectory;
        Job = job;
        Threads = threads;
        if (OpenFailure is not null) throw OpenFailure;
        return run;
    }
}
