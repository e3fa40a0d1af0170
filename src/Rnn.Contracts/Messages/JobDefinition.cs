using Rnn.Training.Jobs;

namespace Rnn.Contracts.Messages;

/// <summary>
/// Everything a shard or parameter-server grain needs to rebuild a job's setup on whatever silo it lands: the job id
/// and the resolved job (caches key on its content hash). Sent with requests rather than held only in memory so that a grain reactivated
/// on another silo can carry on. <see cref="RunId"/> is new for every submission, so grains left from an earlier
/// run of the same job id start afresh instead of continuing the old run. <see cref="Generation"/> grows by one each
/// time the job grain (re)starts driving the run from a checkpoint (after a fault or on another silo): shards and
/// parameter servers refuse requests of an older generation, so calls still in flight from a dead driver are ignored.
/// <see cref="Backend"/> never changes during a run, so its numerics do not depend on which silos come and go.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.JobDefinition")]
public sealed record JobDefinition(
    [property: Id(0)] string JobId,
    [property: Id(1)] string RunId,
    [property: Id(2)] ResolvedJob Job)
{
    [Id(3)] public long Generation { get; init; }

    /// <summary>The backend the shards run (cpu, ilgpu-cpu or cuda), resolved once at submission and kept in run.json.</summary>
    [Id(4)] public string Backend { get; init; } = "cpu";
}
