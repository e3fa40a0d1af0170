using Grpc.Core;
using Grpc.Net.Client;
using Rnn.Contracts.Api.V1;

namespace Rnn.Cluster.Tests;

/// <summary>
/// Talks to a cluster over the public gRPC API through any of several silos: a call that fails because its silo is
/// dead (or not up yet) goes to the next one, so the fault test can kill silos under it.
/// </summary>
internal sealed class ClusterJobClient(IReadOnlyList<string> urls, string token) : IDisposable
{
    private readonly GrpcChannel[] _channels = urls.Select(u => GrpcChannel.ForAddress(u)).ToArray();
    private readonly Metadata _auth = new() { { "authorization", $"Bearer {token}" } };

    /// <param name="deadline">How long the silo may take to resolve the job (30 s; a large table is read whole at submission).</param>
    public async Task<string> SubmitAsync(string jobJson, TimeSpan? deadline = null) =>
        (await CallAnyAsync(c => c.SubmitJobAsync(new SubmitJobRequest { JobJson = jobJson }, _auth,
            DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(30))).ResponseAsync, retryOnUnavailableOnly: true)).JobId;

    /// <summary>
    /// Submits through any silo, also while silos are being killed: a submission whose answer was lost (its silo died
    /// or the call timed out) may have been accepted, so when asking again is refused because the name is taken, the
    /// job of that name in the tenant's list is the one submitted.
    /// </summary>
    public async Task<string> SubmitSurvivingAsync(string jobJson, string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var answerLost = false;
        while (true)
        {
            try
            {
                return await SubmitAsync(jobJson);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && DateTime.UtcNow < deadline)
            {
                answerLost = true;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument && answerLost && e.Status.Detail.StartsWith("name:", StringComparison.Ordinal))
            {
                var listed = await CallAnyAsync(c => c.ListJobsAsync(new ListJobsRequest(), _auth, DateTime.UtcNow.AddSeconds(30)).ResponseAsync,
                    retryOnUnavailableOnly: false);
                if (listed.Jobs.LastOrDefault(j => j.Name == name) is not { } submitted) throw;
                return submitted.JobId;
            }
            await Task.Delay(1000);
        }
    }

    public Task<Job> GetAsync(string jobId) =>
        CallAnyAsync(c => c.GetJobAsync(new GetJobRequest { JobId = jobId }, _auth, DateTime.UtcNow.AddSeconds(10)).ResponseAsync, retryOnUnavailableOnly: false);

    /// <summary>Polls until <paramref name="done"/> holds; a job that ends some other way first is an error.</summary>
    public async Task<Job> WaitAsync(string jobId, Func<Job, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Job? last = null;
        string? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await GetAsync(jobId);
                if (done(last)) return last;
                if (last.State is JobState.Failed or JobState.Cancelled)
                    throw new InvalidOperationException($"job {jobId} {last.State} at step {last.Step} while waiting for {what}: {last.FailureReason}");
            }
            catch (RpcException e)
            {
                // The whole cluster may be between a stop and a restart; keep asking until the deadline (say so once).
                var error = $"{e.StatusCode} {e.Status.Detail}";
                if (error != lastError) Console.Error.WriteLine($"  (status not available: {error}; asking again)");
                lastError = error;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"job {jobId}: no {what} within {timeout.TotalSeconds:0} s (last: {last?.State} step {last?.Step})");
    }

    /// <summary>
    /// Polls every job until each has ended (completed, failed or cancelled) or the timeout passes; returns the last
    /// status seen of each, in <paramref name="jobIds"/>' order (a job never seen is reported Unspecified at step 0).
    /// </summary>
    public async Task<IReadOnlyList<Job>> WaitAllEndedAsync(IReadOnlyList<string> jobIds, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = jobIds.ToDictionary(id => id, id => new Job { JobId = id });
        static bool Ended(Job j) => j.State is JobState.Completed or JobState.Failed or JobState.Cancelled;
        while (DateTime.UtcNow < deadline && !last.Values.All(Ended))
        {
            foreach (var id in jobIds.Where(id => !Ended(last[id])))
            {
                try
                {
                    last[id] = await GetAsync(id);
                }
                catch (RpcException)
                {
                    // A silo between a kill and its restart; asked again next round.
                }
            }
            await Task.Delay(500);
        }
        return jobIds.Select(id => last[id]).ToArray();
    }

    private async Task<T> CallAnyAsync<T>(Func<TrainingService.TrainingServiceClient, Task<T>> call, bool retryOnUnavailableOnly)
    {
        RpcException? lastError = null;
        foreach (var channel in _channels)
        {
            try
            {
                return await call(new TrainingService.TrainingServiceClient(channel));
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
                                         || (!retryOnUnavailableOnly && e.StatusCode is StatusCode.Internal or StatusCode.Unknown))
            {
                lastError = e;
            }
        }
        throw lastError!;
    }

    public void Dispose()
    {
        foreach (var channel in _channels) channel.Dispose();
    }
}
