using Rnn.Api.Tests.Support;
using Rnn.Contracts.Api.V1;

namespace Rnn.Api.Tests;

/// <summary>WatchJob's one ordered stream: sequence numbers, the place of every kind of event, replay from a sequence.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class WatchOrderTests(ApiServerFixture server)
{
    private TrainingService.TrainingServiceClient Client => server.Client;

    [Fact]
    public async Task A_live_watch_sends_every_event_once_in_the_order_it_happened_with_its_sequence()
    {
        // 256 samples in batches of 32: 8 steps an epoch (evaluated at 8 and at the end); checkpoints at 5, 10 and 12.
        var jobId = await Client.SubmitAsync(Tenants.AlphaToken, ApiJobs.Mnist("api-order", steps: 12, checkpointEvery: 5));
        var events = await Client.WatchToEndAsync(Tenants.AlphaToken, jobId);

        var expected = new List<string> { "0 state Queued", "3 state Running" };
        for (var s = 0; s < 12; s++)
        {
            expected.Add($"{8 * (s + 1)} step {s}");
            var done = s + 1;
            if (done is 8 or 12) expected.Add($"{8 * done + 1} evaluation {done}");
            if (done is 5 or 10 or 12) expected.Add($"{8 * done + 2} checkpoint {done}");
        }
        expected.Add("100 state Completed");
        Assert.Equal(expected, events.Select(Describe));
    }

    [Fact]
    public async Task A_watch_from_a_sequence_number_gets_exactly_the_events_from_there()
    {
        var jobId = await Client.SubmitAsync(Tenants.AlphaToken, ApiJobs.Mnist("api-sequence", steps: 10, checkpointEvery: 4));
        var live = (await Client.WatchToEndAsync(Tenants.AlphaToken, jobId)).Select(Describe).ToList();

        // After the job: the history replays the same events with the same numbers (steps and checkpoints from the run
        // folder, every evaluation from its evaluations.jsonl).
        var replay = (await Client.WatchToEndAsync(Tenants.AlphaToken, jobId)).Select(Describe).ToList();
        Assert.Contains("65 evaluation 8", replay);
        Assert.Equal(live, replay);

        var from = 8 * 4 + 2; // the checkpoint after 4 steps
        var rest = (await Client.WatchToEndAsync(Tenants.AlphaToken, jobId, fromSequence: from)).Select(Describe).ToList();
        Assert.Equal(replay.SkipWhile(e => long.Parse(e.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) < from), rest);
        Assert.Equal(["34 checkpoint 4", "40 step 4"], rest.Take(2));
    }

    private static string Describe(JobEvent e) => e.EventCase switch
    {
        JobEvent.EventOneofCase.Step => $"{e.Sequence} step {e.Step.Step}",
        JobEvent.EventOneofCase.Evaluation => $"{e.Sequence} evaluation {e.Evaluation.Step}",
        JobEvent.EventOneofCase.Checkpoint => $"{e.Sequence} checkpoint {e.Checkpoint.Step}",
        JobEvent.EventOneofCase.State => $"{e.Sequence} state {e.State.State}",
        _ => $"{e.Sequence} {e.EventCase}",
    };
}
