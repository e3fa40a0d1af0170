namespace Rnn.Silo.Records;

/// <summary>A tenant registry's persisted state: accepted job ids in order, and which of them may still be active.</summary>
[GenerateSerializer]
[Alias("Rnn.TenantJobsRecord")]
public sealed class TenantJobsRecord
{
    [Id(0)] public List<string> Jobs { get; set; } = [];

    /// <summary>Accepted jobs last seen queued or running; a finished job never runs again (ids are never reused).</summary>
    [Id(1)] public HashSet<string> MaybeActive { get; set; } = [];
}
