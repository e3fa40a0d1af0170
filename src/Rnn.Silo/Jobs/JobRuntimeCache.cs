using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Rnn.Contracts.Messages;
using Rnn.Silo.Compute;
using Rnn.Training.Data;
using Rnn.Training.Jobs;

namespace Rnn.Silo.Jobs;

/// <summary>
/// One <see cref="JobRuntime"/> per job per silo, made on the compute executor the first time any grain of the job
/// on this silo needs it. Entries are keyed by job id and the resolved job's content hash, so a resubmitted job with
/// the same id but another content never sees the old data. The fixed kinds' data set is read with the runtime, once
/// per silo; the sequence kinds' data is read part by part where it is used: a shard's partition when that shard
/// starts here (<see cref="GetForShardAsync"/>), the held-out splits where the job grain evaluates
/// (<see cref="GetForEvaluationAsync"/>). A load that meets a data error (the file changed since submission), or a
/// part that cannot be read here, throws <see cref="JobDataException"/> (naming this silo and the file as the job
/// gave it for a part), which fails the job instead of a rollback.
/// </summary>
public sealed class JobRuntimeCache(ComputeExecutor executor, ILocalSiloDetails silo, IServiceProvider services)
{
    /// <summary>Partition reads remembered for <see cref="PartitionReads"/>.</summary>
    private const int RememberedReads = 256;

    private readonly ConcurrentDictionary<string, Lazy<Task<JobRuntime>>> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PartitionRead> _reads = new();

    /// <summary>The latest partitions read on this silo, oldest first: which shard of which job, and how many sequences.</summary>
    public IReadOnlyList<PartitionRead> PartitionReads => _reads.ToArray();

    public async Task<JobRuntime> GetAsync(JobDefinition job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var key = job.JobId + "\n" + job.Job.ContentHash;
        var entry = _entries.GetOrAdd(key, _ => new Lazy<Task<JobRuntime>>(
            () => executor.RunAsync(() => JobRuntime.Load(job.Job))));
        try
        {
            return await entry.Value.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A failed load is not cached: the next caller tries again (e.g. after a transient file error). A data
            // error is deterministic: it goes up as a JobDataException, which fails the job instead of a rollback.
            _entries.TryRemove(new KeyValuePair<string, Lazy<Task<JobRuntime>>>(key, entry));
            if (JobDataException.From(e) is { } dataError)
                throw new JobDataException(RelativeToRoots(job, dataError.Message), dataError.InnerException ?? e);
            throw;
        }
    }

    /// <summary>The runtime with shard <paramref name="shard"/>'s partition read (a sequence kind's; else just the runtime).</summary>
    /// <exception cref="JobDataException">The partition cannot be read on this silo.</exception>
    public async Task<JobRuntime> GetForShardAsync(JobDefinition job, int shard)
    {
        var runtime = await GetAsync(job).ConfigureAwait(false);
        if (runtime.Setup.Sequences is null || runtime.Setup.HasReadPartition(shard)) return runtime;
        try
        {
            var rows = await executor.RunAsync(() =>
            {
                var count = runtime.Setup.Partition(shard).Count;
                ReturnReadingGarbage(job.Job);
                return count;
            }).ConfigureAwait(false);
            _reads.Enqueue(new PartitionRead(job.JobId, shard, rows, job.Job.TrainingItems));
            while (_reads.Count > RememberedReads) _reads.TryDequeue(out _);
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            throw Unreadable(job, $"the partition of shard {shard}", e);
        }
        return runtime;
    }

    /// <summary>A table file at least this large is followed by a full, decommitting collection once its part is read.</summary>
    private const long LargeTableBytes = 64L << 20;

    /// <summary>
    /// A table kind's shard parses its whole file to keep its own rows (docs/distributed.md, "Where the data lives"):
    /// the parse leaves garbage several times the partition, which the runtime would otherwise keep committed
    /// (each silo held 450–600 MiB for a 257 MiB table's quarter). One blocking, compacting, decommitting collection
    /// per large partition read gives it back; it runs on the compute thread that read, once per shard activation.
    /// </summary>
    private static void ReturnReadingGarbage(ResolvedJob job)
    {
        if (job.DataFacts?.DataFile is not { Length: >= LargeTableBytes }) return;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>The runtime with the held-out splits read, for the job grain that evaluates the job here.</summary>
    /// <exception cref="JobDataException">The validation or test data cannot be read on this silo.</exception>
    public async Task<JobRuntime> GetForEvaluationAsync(JobDefinition job)
    {
        var runtime = await GetAsync(job).ConfigureAwait(false);
        if (runtime.Setup.Sequences is null || runtime.Setup.HeldOutRead) return runtime;
        try
        {
            await executor.RunAsync(() => runtime.Setup.TestSamples).ConfigureAwait(false);
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            throw Unreadable(job, "the validation and test data", e);
        }
        return runtime;
    }

    /// <summary>Forgets every entry of <paramref name="jobId"/> on this silo.</summary>
    public void Release(string jobId)
    {
        foreach (var key in _entries.Keys)
            if (key.StartsWith(jobId + "\n", StringComparison.Ordinal)) _entries.TryRemove(key, out _);
    }

    private static bool IsReadFailure(Exception e) =>
        e is IOException or UnauthorizedAccessException or DataFormatException or InvalidDataException;

    private JobDataException Unreadable(JobDefinition job, string part, Exception e)
    {
        var data = job.Job.Spec.Data;
        return new JobDataException($"silo {silo.Name} ({silo.SiloAddress}) cannot read {part} of job '{job.JobId}': {RelativeToRoots(job, e.Message)}", e);
    }

    /// <summary>The message with the job's data paths relative to the silo's data roots (a tenant never sees server paths).</summary>
    private string RelativeToRoots(JobDefinition job, string message)
    {
        var data = job.Job.Spec.Data;
        var paths = new[] { data.Path, data.Y, data.Lengths, data.TestPath, data.ValidationPath }.OfType<string>()
            .Where(Path.IsPathRooted).ToArray();
        return services.GetService<IDataPathNames>() is { } names ? names.Relative(message, paths) : message;
    }
}

/// <summary>A partition read on a silo: shard <see cref="Shard"/> of job <see cref="JobId"/> holds <see cref="Rows"/> of the <see cref="TrainingItems"/> training sequences.</summary>
public sealed record PartitionRead(string JobId, int Shard, int Rows, int TrainingItems);
