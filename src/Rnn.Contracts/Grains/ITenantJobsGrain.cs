using Orleans.Concurrency;
using Rnn.Contracts.Messages;

namespace Rnn.Contracts.Grains;

/// <summary>
/// The jobs of one tenant (key: tenant name), in submission order: who owns a job id, which jobs a tenant lists, and
/// how many of them may run at once. A registry grain rather than a tenant field in the job grain so that ownership is
/// known before the job grain exists (admission happens first) and listing a tenant's jobs is one call, not a scan of
/// the runs root whose folders are named by job name, not by tenant.
/// </summary>
[Alias("Rnn.ITenantJobsGrain")]
public interface ITenantJobsGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reserves <paramref name="jobId"/> for this tenant unless it already has <paramref name="maxActiveJobs"/> queued,
    /// running or reserved jobs. Calls are serialised per tenant, so two submissions cannot both take the last slot.
    /// </summary>
    [Alias("Admit")]
    Task<TenantAdmission> AdmitAsync(string jobId, int maxActiveJobs);

    /// <summary>Ends a reservation: the job becomes one of the tenant's jobs when accepted, or is forgotten.</summary>
    [Alias("Confirm")]
    Task ConfirmAsync(string jobId, bool accepted);

    [ReadOnly]
    [Alias("Owns")]
    Task<bool> OwnsAsync(string jobId);

    /// <summary>The tenant's accepted job ids, oldest first.</summary>
    [ReadOnly]
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync();
}
