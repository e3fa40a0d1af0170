using Grpc.Core;
using Rnn.Contracts.Api.V1;

namespace Rnn.Api.Tests.Support;

/// <summary>Helpers over the generated client: submit, watch to the end, download, wait.</summary>
internal static class ApiCalls
{
    public static async Task<string> SubmitAsync(this TrainingService.TrainingServiceClient client, string token, string jobJson) =>
        (await client.SubmitJobAsync(new SubmitJobRequest { JobJson = jobJson }, ApiServerFixture.Auth(token))).JobId;

    /// <summary>Every event from <paramref name="fromStep"/> (or sequence) until the server ends the stream (the job ended).</summary>
    public static async Task<List<JobEvent>> WatchToEndAsync(this TrainingService.TrainingServiceClient client, string token,
        string jobId, long fromStep = 0, long fromSequence = 0)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = client.WatchJob(new WatchJobRequest { JobId = jobId, FromStep = fromStep, FromSequence = fromSequence },
            ApiServerFixture.Auth(token),
            cancellationToken: timeout.Token);
        var events = new List<JobEvent>();
        await foreach (var e in call.ResponseStream.ReadAllAsync(timeout.Token)) events.Add(e);
        return events;
    }

    public static async Task<byte[]> DownloadAsync(this TrainingService.TrainingServiceClient client, string token, string jobId, string file)
    {
        using var call = client.DownloadCheckpoint(new DownloadCheckpointRequest { JobId = jobId, File = file }, ApiServerFixture.Auth(token));
        using var bytes = new MemoryStream();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            Assert.Equal(bytes.Length, chunk.Offset);
            Assert.True(chunk.Data.Length <= 1024 * 1024, "chunks are at most 1 MiB");
            chunk.Data.WriteTo(bytes);
        }
        return bytes.ToArray();
    }

    public static async Task<Job> WaitUntilFinishedAsync(this TrainingService.TrainingServiceClient client, string token, string jobId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var job = await client.GetJobAsync(new GetJobRequest { JobId = jobId }, ApiServerFixture.Auth(token));
            if (job.State is JobState.Completed or JobState.Failed or JobState.Cancelled) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {jobId} still {job.State} at step {job.Step}");
            await Task.Delay(100);
        }
    }

    public static RpcException Fails(Action call) => Assert.Throws<RpcException>(call);
}
