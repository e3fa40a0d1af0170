
namespace Rnn.Silo.Api;

/// <summary>What <see cref="OrleansTrainingClient"/> needs besides the cluster client and the tenant.</summary>
public sealed class OrleansTrainingClientOptions
{
    /// <summary>
    /// The cluster's runs folder as this process sees it (a shared folder, as all silos share it). Submissions check
    /// that a job name's run folder is not another tenant's, exactly as the gRPC service does.
    /// </summary>
    public required string RunsRoot { get; init; }

    /// <summary>The same limits the gRPC service applies (docs/api.md); the defaults are the service's defaults.</summary>
    public ApiLimits Limits { get; init; } = new();

    /// <summary>
    /// The data roots a submitted job's data must lie under, as the gRPC service's <c>Silo:DataRoots</c>; null (the
    /// default) reads data paths as local mode does: this process is inside the cluster network and trusted.
    /// </summary>
    public DataRoots? DataRoots { get; init; }
}
