using Orleans.Placement;

namespace Rnn.Silo.Placement;

/// <summary>Marks a grain class for <see cref="SpreadByIndexPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SpreadByIndexPlacementAttribute() : PlacementAttribute(SpreadByIndexPlacement.Instance);
