namespace Rnn.Silo.Api;

/// <summary>
/// What one submission may ask of the cluster (config section "Api:Limits"). A job over a limit is refused at submit,
/// with the limit's config key in the message, before any grain or folder is touched.
/// </summary>
public sealed class ApiLimits
{
    public const string Section = "Api:Limits";

    /// <summary>Largest job file, UTF-8 bytes (ResourceExhausted).</summary>
    public int MaxJobFileBytes { get; set; } = 64 * 1024;

    /// <summary>Largest units of any layer (InvalidArgument, field model.layers[i].units).</summary>
    public int MaxLayerUnits { get; set; } = 4096;

    /// <summary>Most training.steps (InvalidArgument).</summary>
    public int MaxSteps { get; set; } = 1_000_000;

    /// <summary>Most training.epochs, for jobs sized in epochs rather than steps (InvalidArgument).</summary>
    public int MaxEpochs { get; set; } = 1000;

    /// <summary>Most training.shards (InvalidArgument).</summary>
    public int MaxShards { get; set; } = 64;

    /// <summary>Queued or running jobs one tenant may have at once (ResourceExhausted).</summary>
    public int MaxConcurrentJobsPerTenant { get; set; } = 4;

    /// <summary>Null when every limit is positive, else the first bad one's key.</summary>
    public string? Validate()
    {
        foreach (var (name, value) in new (string, int)[]
                 {
                     (nameof(MaxJobFileBytes), MaxJobFileBytes), (nameof(MaxLayerUnits), MaxLayerUnits), (nameof(MaxSteps), MaxSteps),
                     (nameof(MaxEpochs), MaxEpochs), (nameof(MaxShards), MaxShards), (nameof(MaxConcurrentJobsPerTenant), MaxConcurrentJobsPerTenant),
                 })
            if (value < 1) return $"{Section}:{name} must be at least 1, got {value}";
        return null;
    }
}
