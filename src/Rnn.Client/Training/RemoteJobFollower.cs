using Rnn.Kernels.Losses;
using Rnn.Training.Steps;
using Rnn.Client.Progress;
using Rnn.Contracts.Clients;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Client.Training;

/// <summary>
/// Shows a job on a cluster with the displays of local mode (live bar, plain lines, --json): its watch stream's steps
/// and evaluations go through the same <see cref="ProgressObserver"/> as a local run's, and its summary becomes the
/// same final lines. Used by <c>rnn submit --follow</c> and <c>rnn watch</c>, over either <see cref="ITrainingClient"/>.
/// </summary>
internal sealed class RemoteJobFollower(ITrainingClient client, TrainingProgress progress, string where)
{
    /// <summary>Follows the job to its end; a failed job throws <see cref="TrainingFailedException"/>, a cancelled one returns false.</summary>
    public async Task<bool> FollowAsync(string jobId, CancellationToken cancellation)
    {
        var job = await client.GetAsync(jobId, cancellation);
        // The API does not say how many steps an epoch has; the displays then leave epoch totals out.
        progress.Started(new TrainingRunInfo(job.Name, job.TotalSteps, 0, 0, 0, 0, where) { Cluster = $"job {jobId}" });
        var observer = new ProgressObserver(progress, job.TotalSteps);
        var final = await progress.ShowAsync(() => WatchAsync(jobId, observer, cancellation));
        // The watch's last event is the final state; the summary (test metrics, hash) comes with the job.
        job = await client.GetAsync(jobId, cancellation);
        if (final == V1.JobState.Failed)
            throw new TrainingFailedException(string.IsNullOrEmpty(job.FailureReason) ? "the job failed without a reason" : job.FailureReason);

        if (!string.IsNullOrEmpty(job.Summary?.StoppedEarly)) progress.Note(job.Summary.StoppedEarly);
        var tracker = observer.Tracker;
        var test = job.Summary is { Test.Count: > 0 } summary
            ? new EvaluationReport(job.Step, new Dictionary<string, double>(summary.Test, StringComparer.Ordinal))
            : observer.LastEvaluation;
        var hash = string.IsNullOrEmpty(job.Summary?.ParametersSha256) ? null : job.Summary.ParametersSha256;
        progress.Finished(new TrainingOutcome(job.Name, job.Step, job.TotalSteps, tracker.Elapsed.TotalSeconds,
            tracker.TrainingTime.TotalSeconds, tracker.SamplesSeen, tracker.LastLoss, tracker.SkippedSteps, test,
            final == V1.JobState.Cancelled, hash, where, []));
        return final == V1.JobState.Completed;
    }

    private async Task<V1.JobState> WatchAsync(string jobId, ProgressObserver observer, CancellationToken cancellation)
    {
        await foreach (var item in client.WatchAsync(jobId, 0, cancellation))
        {
            switch (item.EventCase)
            {
                case V1.JobEvent.EventOneofCase.Step:
                    observer.StepDone(ToReport(item.Step));
                    break;
                case V1.JobEvent.EventOneofCase.Evaluation:
                    observer.Evaluated(new EvaluationReport(item.Evaluation.Step,
                        new Dictionary<string, double>(item.Evaluation.Metrics, StringComparer.Ordinal))
                    {
                        CompletedUtc = item.Evaluation.CompletedAt?.ToDateTime(),
                    });
                    break;
                case V1.JobEvent.EventOneofCase.State when ResumableWatch.IsFinal(item.State.State):
                    return item.State.State;
            }
        }
        throw new TrainingClientException(TrainingErrorKind.Failed, $"the watch of job {jobId} ended before the job did");
    }

    /// <summary>The API counts steps and epochs from 0; the displays show steps done and 1-based epochs.</summary>
    private static TrainingStepReport ToReport(V1.StepMetrics m) =>
        new(m.Step + 1, m.Epoch + 1, m.Loss, m.HasAccuracy ? m.Accuracy : null, m.GradNorm, m.LearningRate, m.Seconds,
            (int)Math.Round(m.SamplesPerSecond * m.Seconds), m.Skipped ? "non-finite gradient (nan_policy skip_step)" : null)
        {
            CompletedUtc = m.CompletedAt?.ToDateTime(),
        };
}
