using System.Text.Json;
using Rnn.Silo.Jobs;
using Rnn.Training.Runs;

namespace Rnn.Silo.Hosting;

/// <summary>
/// Every run under a runs root (what a host that gave its silos that root, like rnn train, reads back): per job name
/// (sorted), its earlier runs oldest first, then the latest.
/// </summary>
public static class RunListing
{
    public static IReadOnlyList<ListedRun> Scan(string runsRoot)
    {
        if (!Directory.Exists(runsRoot)) return [];
        var runs = new List<ListedRun>();
        foreach (var path in Directory.EnumerateDirectories(runsRoot).Order(StringComparer.Ordinal))
        {
            var latest = new RunFolder(path);
            var name = System.IO.Path.GetFileName(path);
            runs.AddRange(latest.EarlierRuns().Select(f => Describe(name, f, isLatest: false)));
            if (File.Exists(latest.RunFile)) runs.Add(Describe(name, latest, isLatest: true));
        }
        return runs;
    }

    private static ListedRun Describe(string name, RunFolder folder, bool isLatest)
    {
        var info = folder.ReadRunInfo();
        var outcome = Read(folder.OutcomeFile, folder.ReadOutcome);
        var summary = Read(folder.SummaryFile, () => RunSummary.Read(folder.SummaryFile));
        var state = outcome?.State.ToString().ToLowerInvariant() ?? (summary is null ? "unfinished" : "completed");
        return new ListedRun(name, info?.RunId ?? System.IO.Path.GetFileName(folder.Path), state,
            summary?.Steps ?? outcome?.Step, summary?.ParametersSha256, info?.StartedUtc, folder.Path, isLatest);
    }

    // A file being replaced at this moment, or damaged, says nothing: the run is listed without it.
    private static T? Read<T>(string path, Func<T?> read) where T : class
    {
        try
        {
            return File.Exists(path) ? read() : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }
}
