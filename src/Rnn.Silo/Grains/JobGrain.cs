using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Kernels.Jobs;
using Rnn.Kernels.Training;
using Rnn.Silo.Hosting;
using Rnn.Silo.Jobs;
using StepMetrics = Rnn.Contracts.Messages.StepMetrics;

namespace Rnn.Silo.Grains;

/// <summary>
/// A training job. Submitting validates the job file and returns at once; a grain timer then runs one synchronous
/// step per tick (<see cref="SyncStepCoordinator"/>), so no call ever lasts a training run, and each step's metrics
/// go out on the job's stream. Status and cancel interleave with a running step.
/// </summary>
public sealed class JobGrain(
    [PersistentState("job", StorageNames.Jobs)] IPersistentState<JobRecord> record,
    JobRuntimeCache runtimes,
    IOptions<RnnTrainingOptions> options,
    ILogger<JobGrain> logger) : Grain, IJobGrain
{
    private IGrainTimer? _timer;
    private SyncStepCoordinator? _coordinator;
    private IAsyncStream<StepMetrics>? _metrics;

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A job that was queued or running when this grain was last active carries on.
        if (record.RecordExists && record.State.IsActive) StartTimer();
        return Task.CompletedTask;
    }

    public async Task<SubmitResult> SubmitAsync(string jobJson)
    {
        ArgumentNullException.ThrowIfNull(jobJson);
        if (GrainKeys.ValidateJobId(JobId) is { } badId) return Reject("job_id", badId);
        if (record.RecordExists && record.State.IsActive)
            return Reject("job_id", $"job '{JobId}' is already {record.State.State.ToString().ToLowerInvariant()}; cancel it or use another id");

        JobSpec spec;
        try
        {
            spec = JobSpecParser.Parse(jobJson, $"job '{JobId}'");
            // Cheap existence checks only: the data itself is read by the first timer tick, never in this call.
            spec.ResolveDataPath(jobFileDirectory: null);
        }
        catch (JobValidationException e)
        {
            return new SubmitResult(false, e.Errors.Select(x => new JobFieldError(x.Field, x.Message)).ToArray());
        }
        if (spec.Training.Mode != TrainingModes.Sync)
            return Reject("training.mode", $"only 'sync' runs on the cluster so far, got '{spec.Training.Mode}'");

        record.State = new JobRecord { JobJson = jobJson, RunId = Guid.NewGuid().ToString("N"), TotalSteps = spec.Training.Steps ?? 0 };
        await record.WriteStateAsync();
        _coordinator = null;
        StartTimer();
        return SubmitResult.Ok;
    }

    public Task<JobStatus> GetStatusAsync()
    {
        var r = record.State;
        return Task.FromResult(record.RecordExists
            ? new JobStatus(JobId, r.State, r.Step, r.TotalSteps, r.LastMetrics, r.FailureReason, r.ParametersSha256, r.SkippedSteps)
            : new JobStatus(JobId, JobState.Failed, 0, 0, null, $"no job '{JobId}' was submitted", null, 0));
    }

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

        try
        {
            if (r.CancelRequested)
            {
                await FinishAsync(JobState.Cancelled, null);
                return;
            }
            _coordinator ??= await StartRunAsync();
            if (r.Step < r.TotalSteps) await RunStepAsync(_coordinator);
            if (r.Step >= r.TotalSteps)
            {
                r.ParametersSha256 = await _coordinator.HashParametersAsync(r.Step);
                await FinishAsync(JobState.Completed, null);
            }
        }
        catch (Exception e) when (e is JobValidationException or TrainingFailedException)
        {
            await FinishAsync(JobState.Failed, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {JobId} failed at step {Step}", JobId, r.Step);
            await FinishAsync(JobState.Failed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Reads the job's data on this silo (on the compute executor) and sets up the parameter blocks.</summary>
    private async Task<SyncStepCoordinator> StartRunAsync()
    {
        var r = record.State;
        var definition = new JobDefinition(JobId, r.RunId, r.JobJson);
        var runtime = await runtimes.GetAsync(definition);
        var coordinator = new SyncStepCoordinator(GrainFactory, runtime, definition, options.Value);
        var version = await coordinator.InitializeAsync();
        if (version != r.Step)
            throw new TrainingFailedException($"the parameter blocks are at step {version} but the job record is at step {r.Step}; " +
                "the job cannot resume without a checkpoint");
        r.TotalSteps = runtime.Setup.TotalSteps;
        r.State = JobState.Running;
        await record.WriteStateAsync();
        return coordinator;
    }

    private async Task RunStepAsync(SyncStepCoordinator coordinator)
    {
        var r = record.State;
        var metrics = await coordinator.RunStepAsync(r.Step);
        r.Step++;
        r.LastMetrics = metrics;
        if (metrics.SkipReason is not null) r.SkippedSteps++;
        await record.WriteStateAsync();
        _metrics ??= this.GetStreamProvider(StreamNames.Provider)
            .GetStream<StepMetrics>(StreamId.Create(StreamNames.MetricsNamespace, JobId));
        await _metrics.OnNextAsync(metrics);
    }

    private async Task FinishAsync(JobState state, string? reason)
    {
        StopTimer();
        var r = record.State;
        r.State = state;
        r.FailureReason = reason;
        await record.WriteStateAsync();
        if (_coordinator is { } coordinator) await coordinator.ReleaseAsync();
        _coordinator = null;
        runtimes.Release(JobId);
        logger.LogInformation("Job {JobId} {State} after {Steps} steps{Reason}", JobId, state, r.Step,
            reason is null ? "" : ": " + reason);
    }

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private static SubmitResult Reject(string field, string message) => new(false, [new JobFieldError(field, message)]);
}
