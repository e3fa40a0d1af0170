using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Training.Jobs;
using Rnn.Silo.Compute;
using Rnn.Silo.Jobs;
using Rnn.Silo.Placement;
using Rnn.Silo.Recovery;
using Rnn.Training.Steps;
using Rnn.Silo.Configuration;
using Rnn.Silo.Records;
using Rnn.Silo.Coordination;

namespace Rnn.Silo.Grains;

/// <summary>
/// A training job. Submitting validates the job file, prepares its run folder and returns at once; a grain timer then
/// runs one synchronous step per tick through a <see cref="JobDriver"/>, so no call ever lasts a training run, and
/// each step's metrics go out on the job's stream. Status and cancel interleave with a running step.
/// Faults: a step that fails for any reason but the NaN policy drops the driver; the next tick starts a new one, which
/// rolls every grain back to the last checkpoint (retried every <see cref="RnnTrainingOptions.RollbackRetryDelay"/>
/// while silos are still being declared dead). A job grain whose silo died is re-activated by
/// <see cref="UnfinishedJobResumer"/> and carries on from the folder.
/// </summary>
public sealed class JobGrain(
    [PersistentState("job", StorageNames.Jobs)] IPersistentState<JobRecord> record,
    JobRuntimeCache runtimes,
    ComputeExecutor executor,
    GpuSilos gpuSilos,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    IOptions<RnnTrainingOptions> options,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IJobResumption
{
    private IGrainTimer? _timer;
    private JobDriver? _driver;
    private DateTime _retryAtUtc;
    private DateTime _lastProgressUtc = DateTime.UtcNow;
    private int _rollbacksSinceCheckpoint;

    /// <summary>How long one timer tick keeps stepping before it yields to the next tick.</summary>
    private static readonly TimeSpan StepSlice = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest time a running job's record goes unwritten.</summary>
    private static readonly TimeSpan RecordSaveInterval = TimeSpan.FromSeconds(1);

    private DateTime _lastSavedUtc;

    private string JobId => this.GetPrimaryKeyString();

    private RnnTrainingOptions Options => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A job that was queued or running when this grain was last active carries on (from its checkpoint).
        if (record.RecordExists && record.State.IsActive)
        {
            StartTimer();
        }
        else if (!record.RecordExists)
        {
            // The record was lost with a silo (or this is a second activation after a silo's death): the folder is
            // the truth. An unfinished run resumes (a status call got here before the resumer's ping); a finished
            // one reports how it ended from outcome.json and summary.json.
            var runs = RunFolderRecords.OwnedBy(Options.RunsRoot, JobId);
            if (runs.FirstOrDefault(r => r.Folder.IsUnfinished).Folder is { } unfinished)
            {
                await ResumeAsync(unfinished.Path);
            }
            else if (runs.Select(r => RunFolderRecords.FinishedRecord(r.Folder, r.Info)).FirstOrDefault(f => f is not null) is { } finished)
            {
                record.State = finished;
                await SaveAsync();
            }
        }
    }

    public async Task<SubmitResult> SubmitAsync(JobSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var job = submission.Job;
        var spec = job.Spec;
        if (GrainKeys.ValidateJobId(JobId) is { } badId) return Reject("job_id", badId);
        if (submission.Resume) return await ResumeRunAsync(job);
        if (record.RecordExists && record.State.IsActive)
            return Reject("job_id", $"job '{JobId}' is already {record.State.State.ToString().ToLowerInvariant()}; cancel it or use another id");

        // A job must not silently run elsewhere than it asked; auto is resolved here, once for the whole run.
        var active = gpuSilos.Active();
        if (!JobBackendChoice.TryResolve(spec, active.Count(gpuSilos.HasGpu), active.Count, out var backend, out var refusal))
            return Reject("backend", refusal);
        if (RunFolder.ValidateName(spec.Name) is { } badName) return Reject("name", badName);
        var folder = RunFolder.For(Options.RunsRoot, spec.Name);
        if (folder.ReadRunInfo() is { } other && other.JobId != JobId && folder.IsUnfinished)
            return Reject("name", $"the run folder {folder.Path} belongs to unfinished job '{other.JobId}'; give this job another name");

        var runId = Guid.NewGuid().ToString("N");
        folder.StartNewRun(submission.JobFileText, job, new RunInfo(JobId, runId, 0, DateTime.UtcNow, backend));
        record.State = new JobRecord
        {
            Job = job, RunId = runId, TotalSteps = job.TotalSteps, JobFolder = folder.Path,
        };
        await SaveAsync();
        DropDriver();
        _lastProgressUtc = DateTime.UtcNow;
        StartTimer();
        // Names the silo that drives the job (operators; scripts/partition-test.sh cuts exactly this silo).
        logger.LogInformation("Job {JobId} ({Name}) accepted; its driver runs on this silo", JobId, spec.Name);
        return SubmitResult.Ok;
    }

    /// <summary>
    /// <c>rnn train --resume</c>: continues the newest run of the job's name from its last checkpoint, with the run's
    /// own resolved job (the submitted one must hash the same; <see cref="RunResumption"/>), run id and backend, so it
    /// ends with the bits of an uninterrupted run. Only the job grain that ran it may (in local mode the key is the name).
    /// </summary>
    private async Task<SubmitResult> ResumeRunAsync(ResolvedJob job)
    {
        if (RunFolder.ValidateName(job.Name) is { } badName) return Reject("name", badName);
        var folder = RunFolder.For(Options.RunsRoot, job.Name);
        var refusals = RunResumption.Check(folder, job);
        if (refusals.Count > 0) return new SubmitResult(false, refusals);
        var info = folder.ReadRunInfo()!;
        if (info.JobId != JobId)
            return Reject(RunResumption.Field, $"the run in {folder.Path} belongs to job '{info.JobId}'; only that job can resume it");
        // This activation found the run unfinished and took it up already (a stopped run is resumed on activation).
        if (record.RecordExists && record.State.IsActive)
            return record.State.RunId == info.RunId ? SubmitResult.Ok
                : Reject("job_id", $"job '{JobId}' is already {record.State.State.ToString().ToLowerInvariant()}; cancel it first");

        var resolved = folder.ReadResolvedJob();
        info = RunResumption.Reopen(folder, JobId);
        record.State = new JobRecord
        {
            Job = resolved, RunId = info.RunId, TotalSteps = resolved.TotalSteps, JobFolder = folder.Path,
            Generation = info.Generation, Step = info.ResumedStep ?? 0,
        };
        await SaveAsync();
        DropDriver();
        _lastProgressUtc = DateTime.UtcNow;
        StartTimer();
        logger.LogInformation("Job {JobId} resumes run {RunId} from step {Step} in {Folder}", JobId, info.RunId, info.ResumedStep, folder.Path);
        return SubmitResult.Ok;
    }

    public async Task ResumeAsync(string jobFolder)
    {
        if (record.RecordExists && record.State.IsActive) return;
        var folder = new RunFolder(jobFolder);
        if (!folder.IsUnfinished || folder.ReadRunInfo() is not { } info || info.JobId != JobId) return;
        // This activation ended that very run already (only the outcome file went missing): nothing to resume.
        if (record.RecordExists && record.State.RunId == info.RunId) return;
        var job = folder.ReadResolvedJob();
        record.State = new JobRecord
        {
            Job = job, RunId = info.RunId, State = JobState.Running, TotalSteps = job.TotalSteps,
            JobFolder = folder.Path, Generation = info.Generation,
        };
        logger.LogInformation("Job {JobId} resumes from {Folder}", JobId, folder.Path);
        DropDriver();
        _lastProgressUtc = DateTime.UtcNow;
        StartTimer();
        await SaveAsync();
    }

    public Task<JobStatus> GetStatusAsync()
    {
        var r = record.State;
        return Task.FromResult(record.RecordExists
            ? new JobStatus(JobId, r.State, r.Step, r.TotalSteps, r.LastMetrics, r.FailureReason, r.ParametersSha256, r.SkippedSteps)
            {
                JobFolder = r.JobFolder, Summary = r.Summary, LastEvaluation = r.LastEvaluation, Rollbacks = r.Rollbacks,
            }
            : new JobStatus(JobId, JobState.Failed, 0, 0, null, $"no job '{JobId}' was submitted", null, 0));
    }

    public Task<string> GetSiloAsync() => Task.FromResult(silo.SiloAddress.ToString());

    public Task CancelAsync()
    {
        // Takes effect at the next tick, between steps, so the parameter servers are never left mid-step.
        if (record.RecordExists && record.State.IsActive) record.State.CancelRequested = true;
        return Task.CompletedTask;
    }

    private void StartTimer()
    {
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = TimeSpan.FromMilliseconds(1),
            KeepAlive = true, // an active job keeps its grain alive
            Interleave = false,
        });
    }

    private async Task TickAsync(CancellationToken cancellation)
    {
        var r = record.State;
        if (!record.RecordExists || !r.IsActive)
        {
            StopTimer();
            return;
        }
        if (r.CancelRequested)
        {
            await FinishAsync(JobState.Cancelled, null);
            return;
        }
        if (DateTime.UtcNow < _retryAtUtc) return;

        try
        {
            var driver = _driver ??= await BeginDriverAsync();
            // Steps back to back for up to a slice of wall time: one timer tick per step cost ~3 ms between steps.
            var slice = Stopwatch.StartNew();
            while (driver.Step < driver.TotalSteps && driver.StopReason is null && !r.CancelRequested)
            {
                await StepAsync(driver);
                if (slice.Elapsed >= StepSlice) break;
            }
            // The driver's validation monitor, the one place that decides, may end the run before its last step.
            if (driver.Step >= driver.TotalSteps || driver.StopReason is not null)
            {
                var info = new RunFolder(r.JobFolder).ReadRunInfo();
                // A run resumed by hand times (and counts samples of) the steps since its resume.
                r.Summary = await driver.FinishAsync(info?.ResumedUtc ?? info?.StartedUtc ?? DateTime.UtcNow, info?.ResumedStep ?? 0);
                r.ParametersSha256 = r.Summary.ParametersSha256;
                r.SkippedSteps = r.Summary.SkippedSteps;
                await FinishAsync(JobState.Completed, driver.StopReason);
            }
        }
        catch (Exception e) when (e is JobValidationException or TrainingFailedException or InvalidDataException or ShardBackendException
                                      or JobDataException)
        {
            // The job itself is wrong (bad data, met here or in any shard's load; NaN policy 'fail'; a damaged checkpoint) or its backend cannot run
            // where its shards are placed: replaying cannot help.
            await FinishAsync(JobState.Failed, e.Message);
        }
        catch (DriverSupersededException e)
        {
            // Another activation drives the job now; this one stays quiet.
            logger.LogWarning("Job {JobId}: {Reason}", JobId, e.Message);
            DropDriver();
            StopTimer();
        }
        catch (Exception e)
        {
            await InterruptedAsync(e);
        }
    }

    private async Task<JobDriver> BeginDriverAsync()
    {
        var r = record.State;
        // A new driver takes run.json's generation: only a silo the membership table still lists as active may.
        await MembershipFence.ConfirmActiveAsync(ServiceProvider, silo.SiloAddress, Options.StepCallDeadline);
        var driver = await JobDriver.BeginAsync(GrainFactory, runtimes, executor, Options, JobId, r.RunId, r.Job!,
            new RunFolder(r.JobFolder), r.LastEvaluation, ActiveSilos.Count(membership), silo.Name);
        r.Generation = driver.Definition.Generation;
        r.Step = driver.Step;
        r.TotalSteps = driver.TotalSteps;
        r.State = JobState.Running;
        await SaveAsync();
        return driver;
    }

    private async Task StepAsync(JobDriver driver)
    {
        var r = record.State;
        var outcome = await driver.RunStepAsync(metrics => PublishAsync(StreamNames.MetricsNamespace, metrics));
        r.Step = driver.Step;
        r.LastMetrics = outcome.Metrics;
        if (outcome.Metrics.SkipReason is not null) r.SkippedSteps++;
        if (outcome.Evaluation is not null) r.LastEvaluation = outcome.Evaluation;
        if (outcome.Checkpointed) _rollbacksSinceCheckpoint = 0;
        _lastProgressUtc = DateTime.UtcNow;
        // The record is written when something durable happened (checkpoint, evaluation, skipped step) and otherwise
        // at most every RecordSaveInterval: a recovering job restarts from its checkpoint whatever step the record
        // shows, and writing it every step cost a storage call per step.
        if (outcome.Checkpointed || outcome.Evaluation is not null || outcome.Metrics.SkipReason is not null ||
            _lastProgressUtc - _lastSavedUtc >= RecordSaveInterval)
        {
            _lastSavedUtc = _lastProgressUtc;
            await SaveAsync();
        }
        if (outcome.Evaluation is { } evaluation) await PublishAsync(StreamNames.EvaluationNamespace, evaluation);
    }

    /// <summary>A step or a rollback failed: roll back (at the next tick) unless the job has stalled or keeps failing.</summary>
    private async Task InterruptedAsync(Exception e)
    {
        var r = record.State;
        var stalled = DateTime.UtcNow - _lastProgressUtc > Options.StallTimeout;
        if (_driver is not null)
        {
            // The step was interrupted: every grain goes back to the last checkpoint.
            DropDriver();
            r.Rollbacks++;
            _rollbacksSinceCheckpoint++;
            logger.LogWarning("Job {JobId} step {Step} interrupted ({Error}); rolling back to the last checkpoint", JobId, r.Step, e.Message);
        }
        else
        {
            // The rollback itself failed, typically a call to a silo not yet declared dead: try again shortly.
            logger.LogInformation("Job {JobId} rollback failed ({Error}); trying again", JobId, e.Message);
        }
        if (stalled || _rollbacksSinceCheckpoint > Options.MaxRollbacksPerCheckpoint)
        {
            await FinishAsync(JobState.Failed, $"no progress after {r.Rollbacks} rollbacks at step {r.Step}: {e.Message}");
            return;
        }
        _retryAtUtc = DateTime.UtcNow + Options.RollbackRetryDelay;
    }

    private async Task FinishAsync(JobState state, string? reason)
    {
        StopTimer();
        var r = record.State;
        r.State = state;
        // A completed run's reason (it stopped early) goes to outcome.json and the summary, not to the failure reason.
        r.FailureReason = state == JobState.Completed ? null : reason;
        await SaveAsync();
        try
        {
            var folder = new RunFolder(r.JobFolder);
            // Only the activation whose driver holds run.json's generation ends the run (not one cut off meanwhile).
            if (folder.ReadRunInfo() is { } info && info.RunId == r.RunId && info.Generation == r.Generation) folder.WriteOutcome(new RunOutcome(state, r.Step, reason));
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Job {JobId}: could not write outcome.json", JobId);
        }
        if (_driver is { } driver)
        {
            // A cancelled or failed run keeps the rows of every step it finished.
            try
            {
                await driver.FlushRowsAsync();
            }
            catch (Exception e) when (e is IOException or DriverSupersededException)
            {
                logger.LogWarning("Job {JobId}: the last metrics.csv rows were not written ({Error})", JobId, e.Message);
            }
            await driver.Steps.ReleaseAsync();
        }
        DropDriver();
        runtimes.Release(JobId);
        logger.LogInformation("Job {JobId} {State} after {Steps} steps{Reason}", JobId, state, r.Step,
            reason is null ? "" : ": " + reason);
    }

    /// <summary>
    /// Memory storage is a convenience (status after deactivation); the run folder is the truth, so a write that fails
    /// because the storage grain's silo just died does not stop the job.
    /// </summary>
    private async Task SaveAsync()
    {
        try
        {
            await record.WriteStateAsync();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            logger.LogWarning("Job {JobId}: saving the job record failed ({Error}); the run folder stays authoritative", JobId, e.Message);
        }
    }

    private async Task PublishAsync<T>(string streamNamespace, T item)
    {
        try
        {
            await this.GetStreamProvider(StreamNames.Provider).GetStream<T>(StreamId.Create(streamNamespace, JobId)).OnNextAsync(item);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // Progress events are best effort; a lost pub-sub grain must not stop training.
            logger.LogWarning("Job {JobId}: publishing on {Namespace} failed ({Error})", JobId, streamNamespace, e.Message);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        DropDriver();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private void DropDriver()
    {
        _driver?.Dispose();
        _driver = null;
    }

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private static SubmitResult Reject(string field, string message) => new(false, [new JobFieldError(field, message)]);
}
