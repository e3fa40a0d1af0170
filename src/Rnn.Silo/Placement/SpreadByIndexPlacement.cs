using Orleans.Placement;

namespace Rnn.Silo.Placement;

/// <summary>
/// Places the grain with key "{jobId}/{i}" on silo i mod n of the n compatible silos (ordered by address), so a
/// job's shards and parameter blocks spread evenly over the cluster instead of piling onto the caller's silo.
/// Where a grain runs never changes the math; this only spreads the compute.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.SpreadByIndexPlacement")]
public sealed class SpreadByIndexPlacement : PlacementStrategy
{
    public static SpreadByIndexPlacement Instance { get; } = new();
}
