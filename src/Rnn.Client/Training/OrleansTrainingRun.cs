using Rnn.Training.Steps;
using System.Threading.Channels;
using Orleans.Streams;
using Rnn.Client.Local;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Training.Jobs;
using Rnn.Kernels.Losses;
using Rnn.Client.Progress;

namespace Rnn.Client.Training;

/// <summary>
/// A job on a <see cref="LocalCluster"/>: submitted to its job grain (key: the job name), followed on the job's
/// metrics stream, with GetStatusAsync polled alongside. The stream gives every step in order; the poll notices
/// the end of the job, and stands in for the stream if its subscription is lost with a killed silo (a step seen
/// only by polling is shown; the steps it skipped over are not).
/// </summary>
internal sealed class OrleansTrainingRun(
    LocalCluster cluster, TrainingRequest request, JobSubmission submission) : ITrainingRun
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    // How long the stream may lag behind the polled status before the poll's last step is shown instead.
    private static readonly TimeSpan StreamLagAllowed = TimeSpan.FromSeconds(2);
    // How long the job grain may be unreachable (its silo died, the job is being recovered) before giving up.
    private static readonly TimeSpan UnreachableDeadline = TimeSpan.FromMinutes(2);
    private static readonly string[] RunFiles = ["model.safetensors", "model.py", "metrics.csv", "summary.json",
        Path.Combine("best", "model.safetensors")];

    // Step metrics and evaluations, in arrival order, from the job's two streams.
    private readonly Channel<object> _streamed = Channel.CreateUnbounded<object>();
    private long _lastShown = -1; // 0-based index of the last step shown
    private long _lastEvaluated; // steps done at the last evaluation shown
    private DateTime? _pollAheadSince; // since when the polled status has shown a step the stream has not
    private bool _chaosDone;

    public long TotalSteps => submission.Job.TotalSteps;

    public int StepsPerEpoch => submission.Job.StepsPerEpoch;

    public long StartStep { get; init; }

    private string JobId => request.Job.Name;

    public async Task<TrainingResult> RunAsync(ITrainingObserver observer, CancellationToken cancellation)
    {
        var job = cluster.Client.GetGrain<IJobGrain>(JobId);
        var steps = await SubscribeAsync<StepMetrics>(StreamNames.MetricsNamespace).ConfigureAwait(false);
        var evaluations = await SubscribeAsync<EvaluationMetrics>(StreamNames.EvaluationNamespace).ConfigureAwait(false);
        Func<Task>[] unsubscribe = [steps.UnsubscribeAsync, evaluations.UnsubscribeAsync];
        try
        {
            var submitted = await job.SubmitAsync(submission).ConfigureAwait(false);
            if (!submitted.Accepted)
            {
                throw new JobValidationException(request.Job.Name,
                    submitted.Errors.Select(e => new JobValidationError(e.Field, e.Message)).ToArray());
            }
            MaybeKillSilo(observer, []);
            var status = await FollowAsync(job, observer, cancellation).ConfigureAwait(false);
            return Result(status);
        }
        finally
        {
            foreach (var stop in unsubscribe)
            {
                try
                {
                    await stop().ConfigureAwait(false);
                }
                catch (Exception e) when (e is OrleansException or TimeoutException)
                {
                    // The pub-sub state went with a killed silo; the cluster is about to stop anyway.
                }
            }
        }
    }

    public ValueTask DisposeAsync() => cluster.DisposeAsync();

    private async Task<StreamSubscriptionHandle<T>> SubscribeAsync<T>(string streamNamespace)
        where T : notnull
    {
        var stream = cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<T>(StreamId.Create(streamNamespace, JobId));
        return await stream.SubscribeAsync((item, _) =>
        {
            _streamed.Writer.TryWrite(item);
            return Task.CompletedTask;
        }).ConfigureAwait(false);
    }

    private async Task<JobStatus> FollowAsync(IJobGrain job, ITrainingObserver observer, CancellationToken cancellation)
    {
        var cancelSent = false;
        var lastReached = DateTime.UtcNow;
        while (true)
        {
            if (cancellation.IsCancellationRequested && !cancelSent)
            {
                await job.CancelAsync().ConfigureAwait(false);
                cancelSent = true;
            }
            ShowStreamed(observer);

            JobStatus status;
            try
            {
                status = await job.GetStatusAsync().ConfigureAwait(false);
                lastReached = DateTime.UtcNow;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && DateTime.UtcNow - lastReached < UnreachableDeadline)
            {
                continue; // the job grain is moving to a live silo
            }

            if (status.IsFinished)
            {
                await DrainAsync(status.Step, observer).ConfigureAwait(false);
                if (status.LastMetrics is { } last && last.Step > _lastShown) Show(last, observer);
                // The final evaluation can also be slower on its stream than the status; the status carries it.
                if (status.LastEvaluation is { } evaluation && evaluation.Step > _lastEvaluated) ShowEvaluation(evaluation, observer);
                return status;
            }
            if (status.LastMetrics is { } latest && latest.Step > _lastShown)
            {
                _pollAheadSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - _pollAheadSince > StreamLagAllowed) Show(latest, observer);
            }
            await WaitForStreamAsync().ConfigureAwait(false);
        }
    }

    private void ShowStreamed(ITrainingObserver observer)
    {
        while (_streamed.Reader.TryRead(out var item))
        {
            // A job that rolled back to its checkpoint publishes those steps again; each step is shown once.
            if (item is StepMetrics metrics && metrics.Step > _lastShown) Show(metrics, observer);
            if (item is EvaluationMetrics evaluation && evaluation.Step > _lastEvaluated) ShowEvaluation(evaluation, observer);
        }
    }

    private void ShowEvaluation(EvaluationMetrics evaluation, ITrainingObserver observer)
    {
        _lastEvaluated = evaluation.Step;
        observer.Evaluated(new EvaluationReport(evaluation.Step, evaluation.Metrics) { CompletedUtc = evaluation.CompletedUtc });
    }

    // The job's final status can overtake the stream's last events; wait a little for them.
    private async Task DrainAsync(long steps, ITrainingObserver observer)
    {
        var deadline = DateTime.UtcNow + StreamLagAllowed;
        while (_lastShown + 1 < steps && DateTime.UtcNow < deadline)
        {
            await WaitForStreamAsync().ConfigureAwait(false);
            ShowStreamed(observer);
        }
    }

    private async Task WaitForStreamAsync()
    {
        using var timeout = new CancellationTokenSource(PollInterval);
        try
        {
            await _streamed.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Nothing streamed within the poll interval: poll.
        }
    }

    private void Show(StepMetrics metrics, ITrainingObserver observer)
    {
        _lastShown = metrics.Step;
        _pollAheadSince = null;
        // The grain counts steps and epochs from 0; the CLI shows steps done and 1-based epochs.
        var samples = (int)Math.Round(metrics.SamplesPerSecond * metrics.Seconds);
        observer.StepDone(new TrainingStepReport(metrics.Step + 1, metrics.Epoch + 1, metrics.Loss, metrics.Accuracy,
            metrics.GradNorm, metrics.LearningRate, metrics.Seconds, samples, metrics.SkipReason) { CompletedUtc = metrics.CompletedUtc });
        MaybeKillSilo(observer, metrics.Shards.Select(s => s.Silo).ToHashSet(StringComparer.Ordinal));
    }

    // --chaos kill-silo:STEP: step STEP starts once STEP-1 steps are done.
    private void MaybeKillSilo(ITrainingObserver observer, IReadOnlyCollection<string> holdingShards)
    {
        if (_chaosDone || request.Chaos is not { } chaos || _lastShown + 1 < chaos.KillSiloAtStep - 1) return;
        _chaosDone = true;
        if (cluster.KillOneChild(holdingShards) is { } victim)
        {
            observer.Note($"chaos: killed {victim.Settings.Name} (process {victim.ProcessId}) as step {chaos.KillSiloAtStep} started");
        }
    }

    private TrainingResult Result(JobStatus status)
    {
        // The job grain wrote the run folder; list what is there.
        var folder = status.JobFolder ?? request.RunFolder;
        var files = RunFiles.Select(f => Path.Combine(folder, f)).Where(File.Exists).ToArray();
        var test = status.Summary is { Test.Count: > 0 } summary ? new EvaluationReport(status.Step, summary.Test)
            : status.LastEvaluation is { } last ? new EvaluationReport(last.Step, last.Metrics)
            : null;
        return new TrainingResult(status.State, status.Step, status.FailureReason, status.ParametersSha256, test, files)
        {
            StoppedEarly = status.Summary?.StoppedEarly,
        };
    }
}
