using Rnn.Client.Local;
using Rnn.Training.Steps;

namespace Rnn.Client.Training;

/// <summary>Runs jobs through Orleans on a local cluster: one silo in this process, or N silo processes.</summary>
internal sealed class OrleansTrainingRunFactory : ITrainingRunFactory
{
    public async Task<ITrainingRun> OpenAsync(TrainingRequest request, CancellationToken cancellation)
    {
        // Reads (and checks) the data here first, so that a bad data file gets its own exit code and message
        // before any silo starts; it also gives the run's length for the display before the first step.
        var setup = TrainingSetup.Load(request.Job, request.JobFileDirectory);
        var dataPath = request.Job.ResolveDataPath(request.JobFileDirectory);
        var jobJson = JobSubmission.WithDataPath(request.JobJson, dataPath);
        var cluster = await LocalCluster.StartAsync(request.Silos, request.Threads, request.RunsRoot, cancellation)
            .ConfigureAwait(false);
        return new OrleansTrainingRun(cluster, request, jobJson, setup.TotalSteps, setup.StepsPerEpoch);
    }
}
