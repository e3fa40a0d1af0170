using Orleans.Placement;

namespace Rnn.Silo.Placement;

/// <summary>Marks a grain class for <see cref="GpuShardPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class GpuShardPlacementAttribute() : PlacementAttribute(GpuShardPlacement.Instance);
