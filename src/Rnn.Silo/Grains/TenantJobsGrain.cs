using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Silo.Configuration;
using Rnn.Silo.Records;
using Rnn.Silo.Jobs;

namespace Rnn.Silo.Grains;

/// <summary>
/// The registry of one tenant's jobs (<see cref="ITenantJobsGrain"/>), kept in the jobs' grain storage. Reservations
/// (admitted, not yet accepted by the job grain) live only in memory: they last one SubmitJob call.
/// Accepting a job also writes its owner into its run folder (tenant.json); an activation that finds no registry in
/// storage (memory storage after a restart of the whole cluster) rebuilds it from the run folders, so jobs resumed
/// from their folders stay visible to their tenant and to no other.
/// </summary>
public sealed class TenantJobsGrain(
    [PersistentState("tenant", StorageNames.Jobs)] IPersistentState<TenantJobsRecord> record,
    IOptions<RnnTrainingOptions> options,
    ILogger<TenantJobsGrain> logger) : Grain, ITenantJobsGrain
{
    private readonly HashSet<string> _reserved = [];

    private string Tenant => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (record.RecordExists && record.State.Jobs.Count > 0) return;
        var runsRoot = options.Value.RunsRoot;
        IReadOnlyList<TenantOwnedRun> found;
        try
        {
            found = await Task.Run(() => TenantRunFolders.Scan(runsRoot, Tenant), cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Tenant {Tenant}: scanning {RunsRoot} for its jobs failed ({Error})", Tenant, runsRoot, e.Message);
            return;
        }
        if (found.Count == 0) return;
        foreach (var run in found.Where(r => !record.State.Jobs.Contains(r.JobId)))
        {
            record.State.Jobs.Add(run.JobId);
            if (!run.Ended) record.State.MaybeActive.Add(run.JobId);
        }
        logger.LogInformation("Tenant {Tenant}: job registry rebuilt from {Count} run folders", Tenant, found.Count);
        await SaveAsync();
    }

    public async Task<TenantAdmission> AdmitAsync(string jobId, int maxActiveJobs)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var active = await CountActiveAsync();
        if (active >= maxActiveJobs) return new TenantAdmission(false, active);
        _reserved.Add(jobId);
        return new TenantAdmission(true, active + 1);
    }

    public async Task ConfirmAsync(string jobId, bool accepted)
    {
        // An accepted job is recorded even when this activation never saw its reservation: the activation that did
        // was on a silo that died between the two calls, and the job grain has taken the job (it runs either way).
        _reserved.Remove(jobId);
        if (!accepted || record.State.Jobs.Contains(jobId)) return;
        await RecordOwnerOnDiskAsync(jobId);
        record.State.Jobs.Add(jobId);
        record.State.MaybeActive.Add(jobId);
        await SaveAsync();
    }

    public Task<bool> OwnsAsync(string jobId) => Task.FromResult(record.State.MaybeActive.Contains(jobId) || record.State.Jobs.Contains(jobId));

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(record.State.Jobs.ToArray());

    /// <summary>tenant.json in the job's run folder, the durable record of ownership; a failure is logged, not thrown.</summary>
    private async Task RecordOwnerOnDiskAsync(string jobId)
    {
        try
        {
            var folder = (await GrainFactory.GetGrain<IJobGrain>(jobId).GetStatusAsync()).JobFolder;
            if (string.IsNullOrEmpty(folder) || !TenantRunFolders.Record(folder, jobId, Tenant))
                logger.LogWarning("Tenant {Tenant}: job {JobId} has no run folder of its own; its ownership will not survive a restart", Tenant, jobId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException or OrleansException)
        {
            logger.LogWarning("Tenant {Tenant}: writing tenant.json of job {JobId} failed ({Error}); its ownership will not survive a restart",
                Tenant, jobId, e.Message);
        }
    }

    /// <summary>Reservations plus accepted jobs still queued or running; finished ones are dropped from the active set.</summary>
    private async Task<int> CountActiveAsync()
    {
        var candidates = record.State.MaybeActive.ToArray();
        var statuses = await Task.WhenAll(candidates.Select(id => GrainFactory.GetGrain<IJobGrain>(id).GetStatusAsync()));
        var finished = statuses.Where(s => s.IsFinished).Select(s => s.JobId).ToArray();
        if (finished.Length > 0)
        {
            record.State.MaybeActive.ExceptWith(finished);
            await SaveAsync();
        }
        return _reserved.Count + record.State.MaybeActive.Count;
    }

    private async Task SaveAsync()
    {
        try
        {
            await record.WriteStateAsync();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // Like job records, memory storage is best effort; the in-memory state of this activation stays right.
            logger.LogWarning("Tenant {Tenant}: saving the job registry failed ({Error})", Tenant, e.Message);
        }
    }
}
