using System.Collections.Concurrent;
using Rnn.Contracts.Messages;
using Rnn.Silo.Compute;

namespace Rnn.Silo.Jobs;

/// <summary>
/// One <see cref="JobRuntime"/> per job per silo, loaded on the compute executor the first time any grain of the job
/// on this silo needs it (a data set is read once per silo, not once per shard). Entries are keyed by job id and
/// the resolved job's content hash, so a resubmitted job with the same id but another content never sees the old data.
/// A load that meets a data error (the file changed since submission) throws <see cref="JobDataException"/>.
/// </summary>
public sealed class JobRuntimeCache(ComputeExecutor executor)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<JobRuntime>>> _entries = new(StringComparer.Ordinal);

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
            if (JobDataException.From(e) is { } dataError) throw dataError;
            throw;
        }
    }

    /// <summary>Forgets every entry of <paramref name="jobId"/> on this silo.</summary>
    public void Release(string jobId)
    {
        foreach (var key in _entries.Keys)
            if (key.StartsWith(jobId + "\n", StringComparison.Ordinal)) _entries.TryRemove(key, out _);
    }
}
