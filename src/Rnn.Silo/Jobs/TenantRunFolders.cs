
namespace Rnn.Silo.Jobs;

/// <summary>
/// Ownership as the run folders record it (tenant.json, <see cref="RunOwner"/>): the durable side of the tenant
/// registry, which lives in grain storage that may not survive a restart of the whole cluster.
/// </summary>
internal static class TenantRunFolders
{
    /// <summary>The jobs whose folders under <paramref name="runsRoot"/> name <paramref name="tenant"/>, oldest first.</summary>
    public static IReadOnlyList<TenantOwnedRun> Scan(string runsRoot, string tenant)
    {
        if (!Directory.Exists(runsRoot)) return [];
        var runs = new List<TenantOwnedRun>();
        foreach (var path in Directory.EnumerateDirectories(runsRoot))
        {
            var folder = new RunFolder(path);
            if (folder.ReadCurrentOwner() is not { } owner || !string.Equals(owner.Tenant, tenant, StringComparison.Ordinal)) continue;
            if (folder.ReadRunInfo() is not { } info || info.JobId != owner.JobId) continue;
            runs.Add(new TenantOwnedRun(owner.JobId, info.StartedUtc, File.Exists(folder.OutcomeFile) || File.Exists(folder.SummaryFile)));
        }
        return runs.OrderBy(r => r.StartedUtc).ThenBy(r => r.JobId, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Writes tenant.json into the folder of <paramref name="jobFolder"/> if its run.json names the job.</summary>
    public static bool Record(string jobFolder, string jobId, string tenant)
    {
        var folder = new RunFolder(jobFolder);
        if (folder.ReadRunInfo()?.JobId != jobId) return false;
        folder.WriteOwner(new RunOwner(jobId, tenant));
        return true;
    }
}
