using Rnn.Training.Steps;
using System.Diagnostics;
using Grpc.Core;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Silo.Api;

/// <summary>
/// One WatchJob call: the job's current state, its step history from metrics.csv from the requested step on, then live
/// events until the job ends. Steps go out strictly in order, each once: a live step that was already sent (history,
/// or a replay after a rollback) is dropped, and a gap (a lost stream item) is filled from metrics.csv, which the
/// driver appends at least every second (a gap waits for the rows, it is never skipped). The job's status is polled
/// as well, so a watch also ends when no stream item comes.
/// </summary>
public sealed class JobWatch(IClusterClient client, string jobId, long fromStep, IServerStreamWriter<V1.JobEvent> output)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private long _nextStep = Math.Max(0, fromStep);
    private long _lastEvaluationStep = -1;
    private JobState? _lastState;
    private string _metricsFile = "";

    public async Task RunAsync(CancellationToken cancellation)
    {
        var job = client.GetGrain<IJobGrain>(jobId);
        // Subscribe before reading the history, so no step falls between the file and the stream.
        await using var live = await LiveJobEvents.SubscribeAsync(client, jobId);
        var status = await job.GetStatusAsync();
        _metricsFile = Path.Combine(status.JobFolder ?? "", "metrics.csv");
        if (!status.IsFinished) await SendStateAsync(status);
        var polled = Stopwatch.StartNew();
        while (true)
        {
            await CatchUpFromFileAsync(long.MaxValue);
            if (status.LastEvaluation is { } evaluation) await SendEvaluationAsync(evaluation);
            if (status.IsFinished)
            {
                await SendStateAsync(status);
                return;
            }
            await SendStateAsync(status);

            // Live items until the next poll of the job's status.
            while (polled.Elapsed < PollInterval)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                wait.CancelAfter(PollInterval - polled.Elapsed);
                try
                {
                    if (!await live.Items.WaitToReadAsync(wait.Token)) break;
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    break;
                }
                while (live.Items.TryRead(out var item)) await HandleLiveAsync(item);
            }
            polled.Restart();
            status = await job.GetStatusAsync();
        }
    }

    private async Task HandleLiveAsync(object item)
    {
        switch (item)
        {
            case StepMetrics step:
                if (step.Step > _nextStep) await CatchUpFromFileAsync(step.Step);
                // Still a gap: the file lags (or was rewritten by a rollback); the next poll catches up in order.
                if (step.Step == _nextStep) await SendStepAsync(step.ToProto());
                break;
            case EvaluationMetrics evaluation:
                await SendEvaluationAsync(evaluation);
                break;
        }
    }

    private async Task CatchUpFromFileAsync(long until)
    {
        foreach (var row in MetricsCsvHistory.Read(_metricsFile, _nextStep, until))
        {
            if (row.Step != _nextStep) break; // a hole in the file: wait for it to fill rather than skip a step
            await SendStepAsync(row);
        }
    }

    private async Task SendStepAsync(V1.StepMetrics step)
    {
        await output.WriteAsync(new V1.JobEvent { Step = step });
        _nextStep = step.Step + 1;
    }

    /// <summary>Evaluations carry the number of steps done; only those at or after the requested step, each once.</summary>
    private async Task SendEvaluationAsync(EvaluationMetrics evaluation)
    {
        if (evaluation.Step < fromStep || evaluation.Step <= _lastEvaluationStep) return;
        _lastEvaluationStep = evaluation.Step;
        await output.WriteAsync(new V1.JobEvent { Evaluation = evaluation.ToProto() });
    }

    private async Task SendStateAsync(JobStatus status)
    {
        if (_lastState == status.State) return;
        _lastState = status.State;
        await output.WriteAsync(ProtoMapping.StateEvent(status));
    }
}
