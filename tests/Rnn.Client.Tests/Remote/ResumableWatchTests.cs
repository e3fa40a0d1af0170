using System.Runtime.CompilerServices;
using Rnn.Training.Steps;
using Rnn.Contracts.Clients;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Client.Tests.Remote;

/// <summary>A watch whose connection drops mid-run resumes at the step after the last one seen: every step once.</summary>
public sealed class ResumableWatchTests
{
    private const int TotalSteps = 10;

    [Fact]
    public async Task ReconnectsAfterTheLastStepSeenAndRepeatsNothing()
    {
        var opened = new List<long>();
        // The server sends the state, the steps from from_step on, an evaluation at 5 steps and the final state; the
        // connection breaks after 3 steps on each of the first two calls. Each call replays the latest evaluation.
        async IAsyncEnumerable<V1.JobEvent> Server(long from, [EnumeratorCancellation] CancellationToken cancellation)
        {
            opened.Add(from);
            var breakAfter = opened.Count <= 2 ? 3 : int.MaxValue;
            yield return State(V1.JobState.Running);
            if (from >= 5) yield return Evaluation(5);
            var sent = 0;
            for (var step = from; step < TotalSteps; step++)
            {
                if (sent++ == breakAfter) throw new TrainingClientException(TrainingErrorKind.Unavailable, "connection reset");
                await Task.Yield();
                yield return new V1.JobEvent { Step = new V1.StepMetrics { Step = step } };
                if (step == 4) yield return Evaluation(5);
            }
            yield return State(V1.JobState.Completed);
        }

        var events = new List<V1.JobEvent>();
        await foreach (var e in ResumableWatch.RunAsync(Server, e => e is TrainingClientException { Kind: TrainingErrorKind.Unavailable },
                           0, TimeSpan.FromMilliseconds(1)))
            events.Add(e);

        Assert.Equal([0L, 3, 6], opened);
        Assert.Equal(Enumerable.Range(0, TotalSteps).Select(s => (long)s),
            events.Where(e => e.EventCase == V1.JobEvent.EventOneofCase.Step).Select(e => e.Step.Step));
        Assert.Single(events, e => e.EventCase == V1.JobEvent.EventOneofCase.Evaluation);
        Assert.Equal(V1.JobState.Completed, events[^1].State.State);
        Assert.Single(events, e => e.EventCase == V1.JobEvent.EventOneofCase.State && e.State.State == V1.JobState.Running);
    }

    [Fact]
    public async Task AFirstCallThatFailsIsNotRetried()
    {
        var calls = 0;
        async IAsyncEnumerable<V1.JobEvent> Refused(long from, [EnumeratorCancellation] CancellationToken cancellation)
        {
            calls++;
            await Task.Yield();
            throw new TrainingClientException(TrainingErrorKind.Unavailable, "connection refused");
#pragma warning disable CS0162 // an iterator needs a yield
            yield break;
#pragma warning restore CS0162
        }

        await Assert.ThrowsAsync<TrainingClientException>(async () =>
        {
            await foreach (var _ in ResumableWatch.RunAsync(Refused, _ => true, 0, TimeSpan.FromMilliseconds(1))) { }
        });
        Assert.Equal(1, calls);
    }

    private static V1.JobEvent State(V1.JobState state) => new() { State = new V1.StateChange { State = state } };

    private static V1.JobEvent Evaluation(long step) => new() { Evaluation = new V1.Evaluation { Step = step } };
}
