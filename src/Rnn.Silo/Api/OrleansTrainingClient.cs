using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Grpc.Core;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Contracts.Clients;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Silo.Api;

/// <summary>
/// <see cref="ITrainingClient"/> for .NET programs inside the cluster network: calls the grains through an Orleans
/// <see cref="IClusterClient"/>, as one tenant named by the caller (there is no token: whoever holds a cluster client
/// is trusted). The semantics are the gRPC service's: the same job-file checks and limits, the tenant registry for
/// ownership (another tenant's id is NotFound), the silo's own watch logic, and the same file names for downloads,
/// read from the shared runs folder (so this process must see the runs folder at the path the silos write).
/// </summary>
public sealed class OrleansTrainingClient(IClusterClient client, string tenant, OrleansTrainingClientOptions options) : ITrainingClient
{
    private TenantJobs Jobs => new(client, tenant, options.Limits, options.RunsRoot, options.DataRoots);

    // The service's own checks, so a refused job reads the same whichever client sent it.
    public Task<string> SubmitAsync(string jobJson, CancellationToken cancellation = default) =>
        CallAsync(async () => (await Jobs.SubmitAsync(jobJson)).JobId);

    public Task<V1.Job> GetAsync(string jobId, CancellationToken cancellation = default) =>
        CallAsync(async () => (await OwnedStatusAsync(jobId)).ToProto());

    public Task<IReadOnlyList<V1.Job>> ListAsync(CancellationToken cancellation = default) => CallAsync<IReadOnlyList<V1.Job>>(async () =>
        (await Jobs.ListStatusesAsync()).Select(s => s.ToProto()).ToArray());

    public Task<V1.JobState> CancelAsync(string jobId, CancellationToken cancellation = default) => CallAsync(async () =>
    {
        var status = await OwnedStatusAsync(jobId);
        await client.GetGrain<IJobGrain>(jobId).CancelAsync();
        return status.State.ToProto();
    });

    public IAsyncEnumerable<V1.JobEvent> WatchAsync(string jobId, long fromStep = 0, CancellationToken cancellation = default) =>
        ResumableWatch.RunAsync((from, token) => OpenWatchAsync(jobId, from, token), fromStep, cancellation);

    public Task DownloadAsync(string jobId, string file, Stream destination, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return CallAsync(async () =>
        {
            var path = RunFolderFiles.Resolve(await OwnedStatusAsync(jobId), file);
            await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                RunFolderFiles.ChunkBytes, useAsync: true);
            await source.CopyToAsync(destination, cancellation);
            return source.Length;
        });
    }

    /// <summary>The cluster client belongs to the caller, who disposes it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async IAsyncEnumerable<V1.JobEvent> OpenWatchAsync(string jobId, long fromStep, [EnumeratorCancellation] CancellationToken cancellation)
    {
        if (fromStep < 0) throw RpcErrors.ToClientException(ApiErrors.Invalid("from_step", $"must be 0 or more, got {fromStep}"));
        await CallAsync(() => OwnedStatusAsync(jobId));
        var events = Channel.CreateUnbounded<V1.JobEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var watch = new JobWatch(client, jobId, fromStep, new ChannelStreamWriter<V1.JobEvent>(events.Writer));
        var running = Task.Run(async () =>
        {
            try
            {
                await watch.RunAsync(stop.Token);
                events.Writer.TryComplete();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // A silo went away under the watch: resumable, like a dropped gRPC stream.
                events.Writer.TryComplete(new TrainingClientException(TrainingErrorKind.Unavailable, $"lost the cluster: {e.Message}", e));
            }
            catch (Exception e)
            {
                events.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var item in events.Reader.ReadAllAsync(cancellation)) yield return item;
        }
        finally
        {
            // The caller stopped reading (or the watch ended): stop the silo-side loop and its stream subscriptions.
            await stop.CancelAsync();
            await running;
        }
    }

    /// <summary>The job's status when this tenant owns it; NotFound for another tenant's id and for no job.</summary>
    private Task<JobStatus> OwnedStatusAsync(string jobId) => Jobs.OwnedStatusAsync(jobId);

    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException e)
        {
            throw RpcErrors.ToClientException(e);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            throw new TrainingClientException(TrainingErrorKind.Unavailable, $"cannot reach the cluster: {e.Message}", e);
        }
    }
}
