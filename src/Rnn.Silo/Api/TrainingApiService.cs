using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Microsoft.Extensions.Options;
using Rnn.Silo.Configuration;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Silo.Api;

/// <summary>
/// The public gRPC service (rnn.v1.TrainingService), hosted in the silo and talking to the grains through the silo's
/// own cluster client. The caller's tenant comes from <see cref="BearerTokenInterceptor"/>; every call on a job id
/// first asks the tenant's registry whether it owns the id, and answers NotFound otherwise, exactly as for an id that
/// does not exist, so ids of other tenants cannot be probed.
/// </summary>
public sealed class TrainingApiService(
    IClusterClient client,
    ApiLimits limits,
    DataRoots dataRoots,
    IOptions<RnnTrainingOptions> training,
    ILogger<TrainingApiService> logger) : V1.TrainingService.TrainingServiceBase
{
    public override async Task<V1.SubmitJobResponse> SubmitJob(V1.SubmitJobRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenant = CallerTenant.Get(context);
        var (jobId, name) = await Jobs(context).SubmitAsync(request.JobJson);
        logger.LogInformation("Tenant {Tenant} submitted job {JobId} ({Name})", tenant, jobId, name);
        return new V1.SubmitJobResponse { JobId = jobId };
    }

    public override async Task<V1.Job> GetJob(V1.GetJobRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await OwnedStatusAsync(request.JobId, context)).ToProto();
    }

    public override async Task<V1.ListJobsResponse> ListJobs(V1.ListJobsRequest request, ServerCallContext context)
    {
        var statuses = await Jobs(context).ListStatusesAsync();
        var response = new V1.ListJobsResponse();
        response.Jobs.Add(statuses.Select(s => s.ToProto()));
        return response;
    }

    public override async Task<V1.CancelJobResponse> CancelJob(V1.CancelJobRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var status = await OwnedStatusAsync(request.JobId, context);
        await client.GetGrain<IJobGrain>(request.JobId).CancelAsync();
        return new V1.CancelJobResponse { State = status.State.ToProto() };
    }

    public override async Task WatchJob(V1.WatchJobRequest request, IServerStreamWriter<V1.JobEvent> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.FromStep < 0) throw ApiErrors.Invalid("from_step", $"must be 0 or more, got {request.FromStep}");
        if (request.FromSequence < 0) throw ApiErrors.Invalid("from_sequence", $"must be 0 or more, got {request.FromSequence}");
        await OwnedStatusAsync(request.JobId, context);
        try
        {
            await new JobWatch(client, request.JobId, request.FromStep, responseStream, request.FromSequence).RunAsync(context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away; it reconnects with from_sequence = last sequence seen + 1.
        }
    }

    public override async Task DownloadCheckpoint(V1.DownloadCheckpointRequest request, IServerStreamWriter<V1.FileChunk> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        var status = await OwnedStatusAsync(request.JobId, context);
        var path = RunFolderFiles.Resolve(status, request.File);
        // Opened once: a rename over the file (a new checkpoint) does not mix two versions in one download.
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            RunFolderFiles.ChunkBytes, useAsync: true);
        var total = file.Length;
        var buffer = new byte[RunFolderFiles.ChunkBytes];
        // Hashed as sent, so the checksum is of exactly these bytes even if the file is replaced meanwhile.
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long offset = 0;
        while (true)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, Math.Max(0, total - offset))), context.CancellationToken);
            sha256.AppendData(buffer, 0, read);
            var chunk = new V1.FileChunk
            {
                File = request.File, Offset = offset, TotalSize = total, Data = Google.Protobuf.ByteString.CopyFrom(buffer, 0, read),
            };
            offset += read;
            var last = read == 0 || offset >= total;
            if (last) chunk.Sha256 = Convert.ToHexStringLower(sha256.GetHashAndReset());
            await responseStream.WriteAsync(chunk);
            if (last) break;
        }
    }

    private TenantJobs Jobs(ServerCallContext context) =>
        new(client, CallerTenant.Get(context), limits, training.Value.RunsRoot, dataRoots);

    private Task<JobStatus> OwnedStatusAsync(string jobId, ServerCallContext context) => Jobs(context).OwnedStatusAsync(jobId);
}
