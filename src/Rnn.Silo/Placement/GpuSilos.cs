using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Rnn.Silo.Placement;

/// <summary>
/// Which active silos offer a GPU. Each silo publishes silo metadata <c>gpu</c> = <c>true</c> or <c>false</c> at its
/// start (<see cref="Metadata"/>); the metadata cache spreads it over the cluster, a little after a silo joins.
/// </summary>
public sealed class GpuSilos(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    public const string MetadataKey = "gpu";

    /// <summary>A silo's metadata: <c>gpu=true</c> when it offers a GPU (RnnTrainingOptions.AdvertiseGpu, else ILGPU's probe).</summary>
    public static Dictionary<string, string> Metadata(bool gpu) => new() { [MetadataKey] = gpu ? "true" : "false" };

    public IReadOnlyList<SiloAddress> Active() => ActiveSilos.Of(membership);

    public bool HasGpu(SiloAddress silo) =>
        metadata.GetSiloMetadata(silo).Metadata.TryGetValue(MetadataKey, out var value) && value == "true";
}
