using System.Text.Json.Serialization;
using Rnn.Training.Jobs;
using Rnn.Kernels.Backends;

namespace Rnn.Silo.Jobs;

/// <summary>
/// run.json in a job folder: which job grain owns the folder (job id), which submission (run id), the latest driver
/// generation, when the run started, and the backend its shards run (resolved at submission; absent in folders
/// written before it was recorded, which ran on the CPU). The generation here is the fencing token of the folder: a driver that finds a
/// larger one has been replaced and writes nothing more.
/// </summary>
public sealed record RunInfo(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("generation")] long Generation,
    [property: JsonPropertyName("started_utc")] DateTime StartedUtc,
    [property: JsonPropertyName("backend")] string Backend = BackendNames.Cpu);
