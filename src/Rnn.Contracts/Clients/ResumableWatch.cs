using System.Runtime.CompilerServices;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Contracts.Clients;

/// <summary>
/// A watch that survives lost connections: when the event stream breaks (or ends before the job's final state), it is
/// opened again with from_step = last step seen + 1, so no step is missed and none is seen twice. Evaluations,
/// checkpoints and states that the server replays on reconnecting are dropped when already seen. Both clients use it.
/// </summary>
public static class ResumableWatch
{
    /// <summary>Reconnections in a row without an event before the watch gives up.</summary>
    public const int MaxAttemptsWithoutProgress = 8;

    /// <summary>A client's watch: reconnects after <see cref="TrainingErrorKind.Unavailable"/> (the cluster was lost), ends on any other error.</summary>
    public static IAsyncEnumerable<V1.JobEvent> RunAsync(
        Func<long, CancellationToken, IAsyncEnumerable<V1.JobEvent>> open, long fromStep, CancellationToken cancellation) =>
        RunAsync(open, e => e is TrainingClientException { Kind: TrainingErrorKind.Unavailable }, fromStep, cancellation: cancellation);

    /// <param name="open">Opens the server's stream from a step.</param>
    /// <param name="isConnectionLoss">True for failures worth reconnecting after; others end the watch with their exception.</param>
    /// <param name="retryDelay">Wait before reconnecting (doubled per attempt without progress); default 200 ms.</param>
    public static async IAsyncEnumerable<V1.JobEvent> RunAsync(
        Func<long, CancellationToken, IAsyncEnumerable<V1.JobEvent>> open, Func<Exception, bool> isConnectionLoss,
        long fromStep, TimeSpan? retryDelay = null, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(isConnectionLoss);
        var delay = retryDelay ?? TimeSpan.FromMilliseconds(200);
        var nextStep = fromStep;
        var lastEvaluation = -1L;
        var lastCheckpoint = -1L;
        V1.JobState? lastState = null;
        var failures = 0;
        var connected = false; // a first call that fails is an answer (wrong address, token, id), not a lost connection
        while (true)
        {
            var ended = false;
            Exception? lost = null;
            await using (var events = open(nextStep, cancellation).GetAsyncEnumerator(cancellation))
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await events.MoveNextAsync();
                    }
                    catch (Exception e) when (!cancellation.IsCancellationRequested && isConnectionLoss(e))
                    {
                        lost = e;
                        break;
                    }
                    if (!more) break;
                    var item = events.Current;
                    switch (item.EventCase)
                    {
                        case V1.JobEvent.EventOneofCase.Step:
                            // The server never repeats a step within one call; across calls from_step guarantees it.
                            // Checked anyway, since the promise to the caller is "each step once".
                            if (item.Step.Step < nextStep) continue;
                            nextStep = item.Step.Step + 1;
                            break;
                        case V1.JobEvent.EventOneofCase.Evaluation:
                            if (item.Evaluation.Step <= lastEvaluation) continue;
                            lastEvaluation = item.Evaluation.Step;
                            break;
                        case V1.JobEvent.EventOneofCase.Checkpoint:
                            if (item.Checkpoint.Step <= lastCheckpoint) continue;
                            lastCheckpoint = item.Checkpoint.Step;
                            break;
                        case V1.JobEvent.EventOneofCase.State:
                            ended = IsFinal(item.State.State);
                            if (item.State.State == lastState && !ended) continue;
                            lastState = item.State.State;
                            break;
                    }
                    failures = 0;
                    connected = true;
                    yield return item;
                    if (ended) yield break;
                }
            }
            // The stream ended (or broke) before the job's final state: the connection went; resume after the last step.
            failures++;
            if (!connected || failures > MaxAttemptsWithoutProgress)
            {
                if (lost is not null) throw lost;
                throw new TrainingClientException(TrainingErrorKind.Unavailable,
                    $"the watch stream ended {failures} times in a row before the job ended");
            }
            await Task.Delay(delay * Math.Pow(2, Math.Min(failures - 1, 5)), cancellation);
        }
    }

    public static bool IsFinal(V1.JobState state) =>
        state is V1.JobState.Completed or V1.JobState.Failed or V1.JobState.Cancelled;
}
