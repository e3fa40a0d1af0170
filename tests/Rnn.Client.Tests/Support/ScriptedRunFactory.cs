using Rnn.Client.Training;

namespace Rnn.Client.Tests.Support;

/// <summary>Hands the train command a scripted run, and records what it was asked to run.</summary>
internal sealed class ScriptedRunFactory(ScriptedTrainingRun run) : ITrainingRunFactory
{
    public TrainingRequest? Request { get; private set; }

    /// <summary>Thrown by OpenAsync instead of returning the run (e.g. a data file that cannot be read).</summary>
    public Exception? OpenFailure { get; set; }

    public Task<ITrainingRun> OpenAsync(TrainingRequest request, CancellationToken cancellation)
    {
        Request = request;
        if (OpenFailure is not null) throw OpenFailure;
        run.RunFolder = request.RunFolder;
        return Task.FromResult<ITrainingRun>(run);
    }
}
