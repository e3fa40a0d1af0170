using Orleans.Runtime;

namespace Rnn.Silo.Recovery;

/// <summary>
/// Asks the membership table itself (a fresh read, not this silo's cached view) whether this silo is still an active
/// member, before a job grain starts a driver. A silo cut off from the cluster still believes itself active and can
/// still write the shared runs folder: without this check its rollback retries kept taking run.json's generation from
/// the driver the rest of the cluster had started, and neither made progress (scripts/partition-test.sh, case c).
/// Now a silo that cannot read the table starts no driver (the caller retries), and one the table lists as not
/// active is superseded.
/// </summary>
public static class MembershipFence
{
    /// <exception cref="DriverSupersededException">The table lists this silo as dead (or not at all).</exception>
    /// <exception cref="TimeoutException">The table cannot be read within <paramref name="deadline"/>.</exception>
    public static async Task ConfirmActiveAsync(IServiceProvider services, SiloAddress self, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Hosts without a membership table service (none in this repository) keep the local view.
        if (services.GetService(typeof(IMembershipTable)) is not IMembershipTable table) return;
        MembershipTableData data;
        try
        {
            data = await table.ReadAllAsync().WaitAsync(deadline);
        }
        catch (Exception e) when (e is not TimeoutException)
        {
            throw new TimeoutException($"cannot read the membership table to confirm this silo is still a member ({e.Message})", e);
        }
        var entry = data.Members.Select(m => m.Item1).FirstOrDefault(m => m.SiloAddress.Equals(self));
        if (entry is null || entry.Status != SiloStatus.Active)
            throw new DriverSupersededException(
                $"this silo ({self}) is {(entry is null ? "not in" : entry.Status.ToString().ToLowerInvariant() + " in")} the membership table; the cluster drives the job without it");
    }
}
