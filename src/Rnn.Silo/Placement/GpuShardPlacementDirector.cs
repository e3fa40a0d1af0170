using Orleans.Runtime.Placement;

namespace Rnn.Silo.Placement;

/// <summary>Places a shard of a cuda job on the silos with a GPU (index mod their number), any other as SpreadByIndex.</summary>
public sealed class GpuShardPlacementDirector(GpuSilos gpuSilos) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var needsGpu = target.RequestContextData is { } data && data.TryGetValue(GpuShardPlacement.RequestKey, out var flag) && flag is true;
        var silos = context.GetCompatibleSilos(target);
        if (needsGpu)
        {
            silos = [.. silos.Where(gpuSilos.HasGpu)];
            if (silos.Length == 0) throw new OrleansException($"no active silo advertises gpu=true for {target.GrainIdentity} of a cuda job");
        }
        return Task.FromResult(SpreadByIndexPlacementDirector.Choose(silos, target));
    }
}
