namespace Rnn.Silo.Placement;

/// <summary>The cluster's active silos as this silo's membership view has them now.</summary>
public static class ActiveSilos
{
    public static IReadOnlyList<SiloAddress> Of(IClusterMembershipService membership) =>
        Members(membership).Select(m => m.SiloAddress).ToList();

    public static int Count(IClusterMembershipService membership) => Members(membership).Count();

    private static IEnumerable<ClusterMember> Members(IClusterMembershipService membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active);
    }
}
