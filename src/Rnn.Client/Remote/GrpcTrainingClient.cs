using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Rnn.Contracts.Clients;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Client.Remote;

/// <summary>
/// <see cref="ITrainingClient"/> over a silo's public gRPC endpoint. An https:// URL speaks TLS (the system's trust
/// store checks the certificate); http:// speaks HTTP/2 without TLS, as the silo does when it has no certificate.
/// Every call carries "authorization: Bearer TOKEN" when a token is given.
/// </summary>
public sealed class GrpcTrainingClient : ITrainingClient
{
    private readonly GrpcChannel _channel;
    private readonly V1.TrainingService.TrainingServiceClient _service;
    private readonly Metadata _headers = [];
    private readonly string _endpoint;

    public GrpcTrainingClient(Uri endpoint, string? token, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"endpoint '{endpoint}' must be an http:// or https:// URL", nameof(endpoint));
        _endpoint = endpoint.ToString().TrimEnd('/');
        _channel = GrpcChannel.ForAddress(endpoint, options ?? new GrpcChannelOptions());
        _service = new V1.TrainingService.TrainingServiceClient(_channel);
        // Headers rather than CallCredentials: those are refused on a channel without TLS, and a silo without a
        // certificate (a development or in-cluster one) still checks tokens.
        if (!string.IsNullOrEmpty(token)) _headers.Add("authorization", "Bearer " + token);
    }

    public Task<string> SubmitAsync(string jobJson, CancellationToken cancellation = default) =>
        CallAsync(async () => (await _service.SubmitJobAsync(new V1.SubmitJobRequest { JobJson = jobJson }, _headers,
            cancellationToken: cancellation)).JobId);

    public Task<V1.Job> GetAsync(string jobId, CancellationToken cancellation = default) =>
        CallAsync(async () => await _service.GetJobAsync(new V1.GetJobRequest { JobId = jobId }, _headers, cancellationToken: cancellation));

    public Task<IReadOnlyList<V1.Job>> ListAsync(CancellationToken cancellation = default) =>
        CallAsync<IReadOnlyList<V1.Job>>(async () =>
            (await _service.ListJobsAsync(new V1.ListJobsRequest(), _headers, cancellationToken: cancellation)).Jobs.ToArray());

    public Task<V1.JobState> CancelAsync(string jobId, CancellationToken cancellation = default) =>
        CallAsync(async () => (await _service.CancelJobAsync(new V1.CancelJobRequest { JobId = jobId }, _headers,
            cancellationToken: cancellation)).State);

    public IAsyncEnumerable<V1.JobEvent> WatchAsync(string jobId, long fromStep = 0, CancellationToken cancellation = default) =>
        ResumableWatch.RunAsync((from, token) => OpenWatchAsync(jobId, from, token), fromStep, cancellation);

    public Task DownloadAsync(string jobId, string file, Stream destination, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return CallAsync(async () =>
        {
            using var call = _service.DownloadCheckpoint(new V1.DownloadCheckpointRequest { JobId = jobId, File = file }, _headers,
                cancellationToken: cancellation);
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long written = 0;
            var expected = "";
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellation))
            {
                if (chunk.Offset != written)
                    throw new TrainingClientException(TrainingErrorKind.Failed,
                        $"{file}: the server sent bytes from offset {chunk.Offset} after {written}");
                chunk.Data.WriteTo(destination);
                sha256.AppendData(chunk.Data.Span);
                written += chunk.Data.Length;
                if (chunk.TotalSize < written)
                    throw new TrainingClientException(TrainingErrorKind.Failed, $"{file}: more bytes than its size {chunk.TotalSize}");
                if (chunk.Sha256.Length > 0) expected = chunk.Sha256;
            }
            // The server sends the file's SHA-256 on the last chunk; an older server sends none.
            var actual = Convert.ToHexStringLower(sha256.GetHashAndReset());
            if (expected.Length > 0 && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
                throw new TrainingClientException(TrainingErrorKind.Failed,
                    $"{file}: the bytes received hash to {actual}, the server's SHA-256 is {expected}; download it again");
            return written;
        });
    }

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }

    // One watch call; a broken stream becomes an Unavailable TrainingClientException, which ResumableWatch resumes.
    private async IAsyncEnumerable<V1.JobEvent> OpenWatchAsync(string jobId, long fromStep, [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var call = _service.WatchJob(new V1.WatchJobRequest { JobId = jobId, FromStep = fromStep }, _headers,
            cancellationToken: cancellation);
        while (true)
        {
            bool more;
            try
            {
                more = await call.ResponseStream.MoveNext(cancellation);
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellation.IsCancellationRequested)
            {
                throw RpcErrors.IsConnectionLoss(e)
                    ? new TrainingClientException(TrainingErrorKind.Unavailable, RpcErrors.ToClientException(e, _endpoint).Message, e)
                    : RpcErrors.ToClientException(e, _endpoint);
            }
            if (!more) yield break;
            yield return call.ResponseStream.Current;
        }
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw RpcErrors.ToClientException(e, _endpoint);
        }
        catch (HttpRequestException e)
        {
            throw new TrainingClientException(TrainingErrorKind.Unavailable, $"cannot connect to {_endpoint}: {e.Message}", e);
        }
    }
}
