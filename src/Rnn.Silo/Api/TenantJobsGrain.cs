using Microsoft.Extensions.Logging;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Silo.Hosting;

namespace Rnn.Silo.Api;

/// <summary>
/// The registry of one tenant's jobs (<see cref="ITenantJobsGrain"/>), kept in the jobs' grain storage. Reservations
/// (admitted, not yet accepted by the job grain) live only in memory: they last one SubmitJob call.
/// </summary>
public sealed class TenantJobsGrain(
    [PersistentState("tenant", StorageNames.Jobs)] IPersistentState<TenantJobsRecord> record,
    ILogger<TenantJobsGrain> logger) : Grain, ITenantJobsGrain
{
    private readonly HashSet<string> _reserved = [];

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
        if (!_reserved.Remove(jobId) || !accepted) return;
        record.State.Jobs.Add(jobId);
        record.State.MaybeActive.Add(jobId);
        await SaveAsync();
    }

    public Task<bool> OwnsAsync(string jobId) => Task.FromResult(record.State.MaybeActive.Contains(jobId) || record.State.Jobs.Contains(jobId));

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(record.State.Jobs.ToArray());

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
            logger.LogWarning("Tenant {Tenant}: saving the job registry failed ({Error})", this.GetPrimaryKeyString(), e.Message);
        }
    }
}
