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
/// (<see cref="GetForEvaluationAsync"/>). A part that cannot be read fails with a <see cref="SiloDataException"/>
/// naming this silo and the file as the job gave it.
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
        catch (Exception e) when (IsReadFailure(e) && e is not InvalidDataException)
        {
            // (An InvalidDataException, a file changed since submission, fails the job with its own message.)
            _entries.TryRemove(new KeyValuePair<string, Lazy<Task<JobRuntime>>>(key, entry));
            throw Unreadable(job, "the files", e);
        }
        catch
        {
            // A failed load is not cached: the next caller tries again.
            _entries.TryRemove(new KeyValuePair<string, Lazy<Task<JobRuntime>>>(key, entry));
            throw;
        }
    }

    /// <summary>The runtime with shard <paramref name="shard"/>'s partition read (a sequence kind's; else just the runtime).</summary>
    /// <exception cref="SiloDataException">The partition cannot be read on this silo.</exception>
    public async Task<JobRuntime> GetForShardAsync(JobDefinition job, int shard)
    {
        var runtime = await GetAsync(job).ConfigureAwait(false);
        if (runtime.Setup.Sequences is null || runtime.Setup.PartitionsRead.Contains(shard)) return runtime;
        try
        {
            var rows = await executor.RunAsync(() => runtime.Setup.Partition(shard).Count).ConfigureAwait(false);
            _reads.Enqueue(new PartitionRead(job.JobId, shard, rows, job.Job.TrainingItems));
            while (_reads.Count > RememberedReads) _reads.TryDequeue(out _);
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            throw Unreadable(job, $"the partition of shard {shard}", e);
        }
        return runtime;
    }

    /// <summary>The runtime with the held-out splits read, for the job grain that evaluates the job here.</summary>
    /// <exception cref="SiloDataException">The validation or test data cannot be read on this silo.</exception>
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

    private SiloDataException Unreadable(JobDefinition job, string part, Exception e)
    {
        var data = job.Job.Spec.Data;
        var paths = new[] { data.Path, data.Y, data.Lengths, data.TestPath, data.ValidationPath }.OfType<string>()
            .Where(Path.IsPathRooted).ToArray();
        var message = services.GetService<IDataPathNames>() is { } names ? names.Relative(e.Message, paths) : e.Message;
        return new SiloDataException($"silo {silo.Name} ({silo.SiloAddress}) cannot read {part} of job '{job.JobId}': {message}");
    }
}

/// <summary>A partition read on a silo: shard <see cref="Shard"/> of job <see cref="JobId"/> holds <see cref="Rows"/> of the <see cref="TrainingItems"/> training sequences.</summary>
public sealed record PartitionRead(string JobId, int Shard, int Rows, int TrainingItems);
