using Rnn.Training.Jobs;

namespace Rnn.Client.Training;

/// <summary>
/// A job on a started cluster, ready to submit. The train command shows its events; the cluster drives the steps
/// (tests substitute a scripted run).
/// </summary>
internal interface ITrainingRun : IAsyncDisposable
{
    long TotalSteps { get; }

    int StepsPerEpoch { get; }

    /// <summary>Steps already done when the job starts: the checkpoint's step for a resumed run, else 0.</summary>
    long StartStep => 0;

    /// <summary>
    /// Submits the job and follows it to its end. A rejected job throws <see cref="Rnn.Training.Jobs.JobValidationException"/>
    /// naming the fields. On <paramref name="cancellation"/> the job is asked to stop, and the call still returns
    /// once it has (state Cancelled).
    /// </summary>
    Task<TrainingResult> RunAsync(ITrainingObserver observer, CancellationToken cancellation);
}
