using Rnn.Client.Local;
using Rnn.Contracts.Messages;
using Rnn.Silo.Hosting;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;

namespace Rnn.Client.Training;

/// <summary>Runs jobs through Orleans on a local cluster: one silo in this process, or N silo processes.</summary>
internal sealed class OrleansTrainingRunFactory : ITrainingRunFactory
{
    public async Task<ITrainingRun> OpenAsync(TrainingRequest request, CancellationToken cancellation)
    {
        // The job enters here: resolved once (data path made absolute from the job file's folder, the data's shape
        // read from its headers), so a bad data file gets its own exit code and message before any silo starts; the
        // data itself is read by the silo that trains, once.
        var job = JobResolver.Resolve(request.Job, request.JobFileDirectory);
        long startStep = 0;
        if (request.Resume)
        {
            // The job grain decides; asking the same first refuses at once, before any silo starts.
            (var refusals, startStep) = ResumeCheck.Of(request.RunsRoot, job);
            if (refusals.Count > 0)
                throw new JobValidationException(job.Name, refusals.Select(e => new JobValidationError(e.Field, e.Message)).ToArray());
        }
        var cluster = await LocalCluster.StartAsync(request.Silos, request.Threads, request.RunsRoot, cancellation)
            .ConfigureAwait(false);
        return new OrleansTrainingRun(cluster, request, new JobSubmission(job, request.JobFileText, request.Resume)) { StartStep = startStep };
    }
}
