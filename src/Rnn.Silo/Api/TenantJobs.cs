using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Silo.Jobs;

namespace Rnn.Silo.Api;

/// <summary>
/// The job operations of one tenant, shared by the gRPC service and the in-cluster Orleans client so a job reads the
/// same whichever way it came: the job-file checks and limits, the run-folder ownership rule, admission against the
/// concurrent-jobs limit, the data roots (none for a trusted in-cluster client), and "NotFound" for any id the tenant does not own. Failures are RpcExceptions with the
/// status the API documents.
/// </summary>
public sealed class TenantJobs(IGrainFactory grains, string tenant, ApiLimits limits, string runsRoot, DataRoots? dataRoots)
{
    public ITenantJobsGrain Registry => grains.GetGrain<ITenantJobsGrain>(tenant);

    /// <summary>Checks, admits and submits a job; returns its new id and name.</summary>
    public async Task<(string JobId, string Name)> SubmitAsync(string jobJson)
    {
        var job = JobSubmissionCheck.Check(jobJson, limits, tenant, dataRoots);
        var spec = job.Spec;
        await CheckFolderNotOthersAsync(spec.Name);

        var jobId = Guid.NewGuid().ToString("N");
        var admission = await Registry.AdmitAsync(jobId, limits.MaxConcurrentJobsPerTenant);
        if (!admission.Admitted)
        {
            const string key = $"{ApiLimits.Section}:{nameof(ApiLimits.MaxConcurrentJobsPerTenant)}";
            throw ApiErrors.OverLimit(new LimitBreach($"tenant:{tenant}", key, limits.MaxConcurrentJobsPerTenant,
                $"tenant '{tenant}' has {admission.ActiveJobs} queued or running jobs; the limit {key} is {limits.MaxConcurrentJobsPerTenant}"));
        }
        var accepted = false;
        try
        {
            var result = await SubmitToJobGrainAsync(jobId, new JobSubmission(job, jobJson));
            if (!result.Accepted) throw ApiErrors.InvalidFields(result.Errors.ToArray());
            accepted = true;
        }
        finally
        {
            // A job the job grain took must be the tenant's, or it would run unseen and hold its name: asked again
            // while the registry's silo is lost (the registry re-activates elsewhere).
            await WhileSilosAreLostAsync(async () =>
            {
                await Registry.ConfirmAsync(jobId, accepted);
                return true;
            });
        }
        return (jobId, spec.Name);
    }

    /// <summary>How long a submission keeps asking through a lost silo (below a client's usual 30 s deadline).</summary>
    private static readonly TimeSpan LostSiloPatience = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The job grain's answer. When its silo is lost during the call the submission may or may not have been taken:
    /// the grain (re-activated on a live silo) is asked for its status, and a record there means it was; otherwise
    /// it is submitted again (the same id, so the run folder it may have started is its own).
    /// </summary>
    private Task<SubmitResult> SubmitToJobGrainAsync(string jobId, JobSubmission submission)
    {
        var grain = grains.GetGrain<IJobGrain>(jobId);
        var asked = false;
        return WhileSilosAreLostAsync(async () =>
        {
            if (asked && !string.IsNullOrEmpty((await grain.GetStatusAsync()).JobFolder)) return SubmitResult.Ok;
            asked = true;
            return await grain.SubmitAsync(submission);
        });
    }

    /// <summary>Runs <paramref name="call"/>, again after a lost silo (1 s apart) for up to <see cref="LostSiloPatience"/>.</summary>
    private static async Task<T> WhileSilosAreLostAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + LostSiloPatience;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (ClusterFaultInterceptor.IsLostSilo(e) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>The status of every job this tenant owns.</summary>
    public async Task<JobStatus[]> ListStatusesAsync()
    {
        var ids = await Registry.ListAsync();
        return await Task.WhenAll(ids.Select(id => grains.GetGrain<IJobGrain>(id).GetStatusAsync()));
    }

    /// <summary>The job's status when this tenant owns it; NotFound for another tenant's id and for no job.</summary>
    public async Task<JobStatus> OwnedStatusAsync(string jobId)
    {
        if (string.IsNullOrWhiteSpace(jobId)) throw ApiErrors.Invalid("job_id", "must not be empty");
        if (!await Registry.OwnsAsync(jobId)) throw ApiErrors.NotFound(ApiErrors.JobResource, jobId, $"no job '{jobId}'");
        return await grains.GetGrain<IJobGrain>(jobId).GetStatusAsync();
    }

    /// <summary>
    /// Run folders are named by job name and shared by all tenants: a name whose folder holds another tenant's run
    /// (finished or not) is refused, so one tenant can never overwrite or read another's results.
    /// </summary>
    private async Task CheckFolderNotOthersAsync(string name)
    {
        if (RunFolder.ValidateName(name) is { } bad) throw ApiErrors.Invalid("name", bad);
        var info = RunFolder.For(runsRoot, name).ReadRunInfo();
        if (info is not null && !await Registry.OwnsAsync(info.JobId))
            throw ApiErrors.Invalid("name", $"the run folder '{name}' belongs to another job; give this job another name");
    }
}
