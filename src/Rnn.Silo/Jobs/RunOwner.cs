using System.Text.Json.Serialization;

namespace Rnn.Silo.Jobs;

/// <summary>
/// tenant.json in a job folder: which tenant submitted the job <see cref="JobId"/>. It counts only while run.json names
/// the same job id: a later run in the folder (another job id) makes an older tenant.json stale until it is replaced.
/// The folder is the durable record of ownership; the tenant registry grains are rebuilt from it after a restart.
/// </summary>
public sealed record RunOwner(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("tenant")] string Tenant);
