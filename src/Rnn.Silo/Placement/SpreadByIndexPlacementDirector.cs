using Orleans.Runtime.Placement;
using Rnn.Contracts;

namespace Rnn.Silo.Placement;

/// <summary>Chooses silo (index mod n) for a "{jobId}/{index}" key; any other key goes to a random compatible silo.</summary>
public sealed class SpreadByIndexPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult(Choose(context.GetCompatibleSilos(target), target));
    }

    /// <summary>Silo (index mod n) of <paramref name="candidates"/> ordered by address.</summary>
    public static SiloAddress Choose(IEnumerable<SiloAddress> candidates, PlacementTarget target)
    {
        var silos = candidates.OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        if (silos.Length == 0) throw new OrleansException($"no silo can host {target.GrainIdentity}");
        var key = target.GrainIdentity.Key.ToString() ?? "";
        var index = key.Contains('/', StringComparison.Ordinal) ? GrainKeys.Parse(key).Index : Random.Shared.Next(silos.Length);
        return silos[index % silos.Length];
    }
}
