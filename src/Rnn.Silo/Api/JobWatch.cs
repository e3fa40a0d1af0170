using Rnn.Training.Runs;
using Rnn.Training.Steps;
using System.Diagnostics;
using Grpc.Core;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Silo.Jobs;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Silo.Api;

/// <summary>
/// One WatchJob call: the job's events in the order they happened, each with its <see cref="WatchSequence"/> number,
/// from the requested one on: QUEUED, RUNNING, then per step its metrics, the evaluation and the checkpoint after it,
/// and the final state. History comes from metrics.csv and the job's status, live events from its Orleans streams.
/// Those streams are two (steps, evaluations), best effort, and repeat steps replayed after a rollback, so nothing goes
/// out as it arrives: a step waits for the steps before it (a lost one is read back from metrics.csv, which the driver
/// appends at least every second) and for the evaluation due before it; anything at or below the last sequence sent
/// is dropped. State changes come from polling the job's status, placed by sequence like every other event.
/// </summary>
public sealed class JobWatch(IClusterClient client, string jobId, long fromStep, IServerStreamWriter<V1.JobEvent> output, long fromSequence = 0)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the stream holds back for an event that should come (a due evaluation, the last rows) before going on without it.</summary>
    private static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan FileReadInterval = TimeSpan.FromMilliseconds(50);

    private readonly long _from = Math.Max(Math.Max(0, fromSequence), WatchSequence.FromStep(Math.Max(0, fromStep)));
    private readonly SortedDictionary<long, V1.StepMetrics> _steps = [];
    private readonly SortedDictionary<long, EvaluationMetrics> _evaluations = [];
    private long _lastSent = -1;
    private long _nextStep;
    private int? _lastEpoch;
    private long _eventsSentAfter = -1;
    private long _holdingSince;
    private long _fileReadAt;
    private JobStatus _status = null!;
    private WatchSchedule? _schedule;
    private string _metricsFile = "";
    private Dictionary<long, EvaluationRecord>? _logged;
    private long _loggedThrough = -1;

    public async Task RunAsync(CancellationToken cancellation)
    {
        var job = client.GetGrain<IJobGrain>(jobId);
        // Subscribe before reading the history, so no step falls between the file and the stream.
        await using var live = await LiveJobEvents.SubscribeAsync(client, jobId);
        _status = await job.GetStatusAsync();
        _metricsFile = Path.Combine(_status.JobFolder ?? "", "metrics.csv");
        _schedule = WatchSchedule.Read(_status.JobFolder);
        _nextStep = WatchSequence.FirstStepAtOrAfter(_from);
        await SendAsync(WatchSequence.Queued, State(V1.JobState.Queued, 0, null));
        var polled = Stopwatch.StartNew();
        while (!await AdvanceAsync())
        {
            var left = PollInterval - polled.Elapsed;
            if (left > TimeSpan.Zero)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                wait.CancelAfter(left);
                try
                {
                    if (await live.Items.WaitToReadAsync(wait.Token))
                        while (live.Items.TryRead(out var item)) Accept(item);
                    continue;
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    // The poll is due.
                }
            }
            polled.Restart();
            _status = await job.GetStatusAsync();
        }
    }

    private void Accept(object item)
    {
        switch (item)
        {
            case StepMetrics step when step.Step >= _nextStep:
                _steps[step.Step] = step.ToProto();
                break;
            case EvaluationMetrics evaluation when evaluation.Step > _eventsSentAfter:
                _evaluations[evaluation.Step] = evaluation;
                break;
        }
    }

    /// <summary>Sends every event that may go now, in order; true once the final state went.</summary>
    private async Task<bool> AdvanceAsync()
    {
        var status = _status;
        if (status.LastEvaluation is { } latest && latest.Step > _eventsSentAfter) _evaluations.TryAdd(latest.Step, latest);
        if (HasRun(status)) await SendAsync(WatchSequence.Running, State(V1.JobState.Running, 0, null));
        while (NextStep(status) is { } step)
        {
            if (!await SendEventsAfterAsync(_nextStep, step.Epoch)) return false;
            await SendAsync(WatchSequence.Running, State(V1.JobState.Running, 0, null));
            await SendAsync(WatchSequence.Step(step.Step), new V1.JobEvent { Step = step });
            _steps.Remove(step.Step);
            _nextStep = step.Step + 1;
            _lastEpoch = step.Epoch;
            _holdingSince = 0;
        }
        if (!status.IsFinished) return false;
        // A cancelled or failed job's last rows reach metrics.csv just after its state changed.
        if (_nextStep < status.Step && !HoldExpired()) return false;
        if (!await SendEventsAfterAsync(status.Step, null)) return false;
        await SendAsync(WatchSequence.Final(status.Step), ProtoMapping.StateEvent(status));
        return true;
    }

    /// <summary>Step <see cref="_nextStep"/> from the stream, else from metrics.csv (history, or a stream item lost).</summary>
    private V1.StepMetrics? NextStep(JobStatus status)
    {
        if (_steps.TryGetValue(_nextStep, out var step)) return step;
        // Read the file only when the job is known to be past this step: not on every live item.
        var behind = status.Step > _nextStep || _steps.Count > 0;
        if (!behind || Stopwatch.GetElapsedTime(_fileReadAt) < FileReadInterval) return null;
        _fileReadAt = Stopwatch.GetTimestamp();
        foreach (var row in MetricsCsvHistory.Read(_metricsFile, _nextStep)) _steps.TryAdd(row.Step, row);
        return _steps.GetValueOrDefault(_nextStep);
    }

    /// <summary>
    /// The evaluation and checkpoint after <paramref name="stepsDone"/> steps, before step stepsDone goes (or the final
    /// state). False while an evaluation that the driver ran then has not arrived yet: it was published right after the
    /// step, so it comes soon, or shows in the next status poll; one older than the job's latest evaluation is history
    /// the run folder does not keep, and is not waited for.
    /// </summary>
    private async Task<bool> SendEventsAfterAsync(long stepsDone, int? epochAfter)
    {
        if (stepsDone <= _eventsSentAfter) return true;
        var total = _status.TotalSteps;
        var due = _schedule?.EvaluationAfter(stepsDone, total, _lastEpoch, epochAfter) == true;
        var evaluation = _evaluations.Remove(stepsDone, out var live) ? live
            // History: an evaluation older than the job's latest is read back from the run folder's evaluations.jsonl.
            : due && (_status.LastEvaluation?.Step ?? -1) > stepsDone ? LoggedEvaluation(stepsDone) : null;
        if (evaluation is not null)
        {
            await SendAsync(WatchSequence.Evaluation(stepsDone), new V1.JobEvent { Evaluation = evaluation.ToProto() });
        }
        else if (due && (_status.LastEvaluation?.Step ?? -1) < stepsDone && !HoldExpired())
        {
            return false;
        }
        if (_schedule?.CheckpointAfter(stepsDone, total) == true)
            await SendAsync(WatchSequence.Checkpoint(stepsDone), new V1.JobEvent { Checkpoint = new V1.Checkpoint { Step = stepsDone } });
        _eventsSentAfter = stepsDone;
        foreach (var stale in _evaluations.Keys.Where(k => k <= stepsDone).ToArray()) _evaluations.Remove(stale);
        _holdingSince = 0;
        return true;
    }

    /// <summary>The evaluation after <paramref name="stepsDone"/> steps from evaluations.jsonl; null when it is not there (a
    /// run folder from before every job logged them, or a line a crash cut off). The file is read again only for a
    /// step past the last one read, so a replay of many epochs reads it about once.</summary>
    private EvaluationMetrics? LoggedEvaluation(long stepsDone)
    {
        if (string.IsNullOrEmpty(_status.JobFolder)) return null;
        if (_logged is null || stepsDone > _loggedThrough)
        {
            try
            {
                _logged = EvaluationLog.Read(Path.Combine(_status.JobFolder, EvaluationLog.FileName))
                    .GroupBy(r => r.Step).ToDictionary(g => g.Key, g => g.Last());
                _loggedThrough = _logged.Count == 0 ? -1 : _logged.Keys.Max();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return null;
            }
        }
        // The driver numbers an evaluation with the epoch of the step before it, the last step this watch sent.
        return _logged.TryGetValue(stepsDone, out var record) ? new EvaluationMetrics(jobId, stepsDone, _lastEpoch ?? 0, record.Metrics) : null;
    }

    private async Task SendAsync(long sequence, V1.JobEvent item)
    {
        if (sequence < _from || sequence <= _lastSent) return;
        item.Sequence = sequence;
        await output.WriteAsync(item);
        _lastSent = sequence;
    }

    /// <summary>Whether the job got past QUEUED: a job that failed or was cancelled before its first step may not have.</summary>
    private bool HasRun(JobStatus status) =>
        status.State is JobState.Running or JobState.Completed || status.Step > 0 || _nextStep > 0 || _steps.Count > 0
        || (status.IsFinished && status.JobFolder is { Length: > 0 } folder && new RunFolder(folder).HasCheckpoint);

    /// <summary>Starts the hold on its first call; true once it has lasted <see cref="HoldLimit"/>.</summary>
    private bool HoldExpired()
    {
        if (_holdingSince == 0) _holdingSince = Stopwatch.GetTimestamp();
        return Stopwatch.GetElapsedTime(_holdingSince) >= HoldLimit;
    }

    private static V1.JobEvent State(V1.JobState state, long step, string? reason) =>
        new() { State = new V1.StateChange { State = state, Step = step, FailureReason = reason ?? "" } };
}
