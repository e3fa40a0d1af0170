using System.Text.Json.Serialization;
using Rnn.Training.Jobs;
using Rnn.Kernels.Backends;

namespace Rnn.Silo.Jobs;

/// <summary>
/// run.json in a job folder: which job grain owns the folder (job id), which submission (run id), the latest driver
/// generation, when the run started, and the backend its shards run (resolved at submission; absent in folders
/// written before it was recorded, which ran on the CPU), and when and from which step it was last resumed by hand. The generation here is the fencing token of the folder: a driver that finds a
/// larger one has been replaced and writes nothing more.
/// </summary>
public sealed record RunInfo(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("generation")] long Generation,
    [property: JsonPropertyName("started_utc")] DateTime StartedUtc,
    [property: JsonPropertyName("backend")] string Backend = BackendNames.Cpu)
{
    /// <summary>When the run was last resumed by hand (<c>rnn train --resume</c>); absent for a run never resumed.</summary>
    [JsonPropertyName("resumed_utc")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? ResumedUtc { get; init; }

    /// <summary>The checkpoint's step the last resume started from (its summary's samples/s count the steps after it).</summary>
    [JsonPropertyName("resumed_step")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ResumedStep { get; init; }
}
