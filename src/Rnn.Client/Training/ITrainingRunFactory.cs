namespace Rnn.Client.Training;

/// <summary>Starts the cluster a job runs on; tests substitute a scripted run here.</summary>
internal interface ITrainingRunFactory
{
    /// <summary>Checks the job's data and starts the cluster; nothing is written before the job is submitted.</summary>
    Task<ITrainingRun> OpenAsync(TrainingRequest request, CancellationToken cancellation);
}
