namespace Rnn.Silo.Placement;

/// <summary>The cluster's active silos as this silo's membership view has them now.</summary>
public static class ActiveSilos
{
    public static IReadOnlyList<SiloAddress> Of(IClusterMembershipService membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
    }

    public static int Count(IClusterMembershipService membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
    }
}
