using Rnn.Contracts.Messages;
using Rnn.Silo.Jobs;
using Rnn.Training.Runs;
using Rnn.Silo.Records;

namespace Rnn.Silo.Recovery;

/// <summary>
/// What the runs root says about a job whose grain lost its record (it was on a dead silo): the job's run folders,
/// and for a run that has ended, the record rebuilt from its outcome.json and summary.json.
/// </summary>
internal static class RunFolderRecords
{
    /// <summary>The run folders under <paramref name="runsRoot"/> whose run.json names <paramref name="jobId"/>, latest started first.</summary>
    public static List<(RunFolder Folder, RunInfo Info)> OwnedBy(string runsRoot, string jobId)
    {
        if (!Directory.Exists(runsRoot)) return [];
        return Directory.EnumerateDirectories(runsRoot).Select(p => new RunFolder(p))
            .Select(f => (Folder: f, Info: f.ReadRunInfo()))
            .Where(r => r.Info?.JobId == jobId)
            .Select(r => (r.Folder, Info: r.Info!))
            .OrderByDescending(r => r.Info.StartedUtc)
            .ToList();
    }

    /// <summary>The record of a run that has ended (it has an outcome.json), or null.</summary>
    public static JobRecord? FinishedRecord(RunFolder folder, RunInfo info)
    {
        if (ReadOutcomeOrNull(folder) is not { } outcome) return null;
        var summary = File.Exists(folder.SummaryFile) ? RunSummary.Read(folder.SummaryFile) : null;
        return new JobRecord
        {
            RunId = info.RunId, State = outcome.State, Step = outcome.Step,
            TotalSteps = summary?.Steps ?? outcome.Step,
            // A completed run's reason is why it stopped early, not a failure.
            FailureReason = outcome.State == JobState.Completed ? null : outcome.Reason, JobFolder = folder.Path,
            Generation = info.Generation, ParametersSha256 = summary?.ParametersSha256,
            SkippedSteps = summary?.SkippedSteps ?? 0,
            Summary = summary is null ? null : new JobSummary(summary.Steps, summary.WallSeconds, summary.SamplesPerSecond,
                summary.FinalLoss, summary.Test, summary.ParametersSha256, summary.SkippedSteps) { StoppedEarly = summary.StoppedEarly },
        };
    }

    /// <summary>outcome.json of a folder, or null when it is missing or unreadable (that folder then tells nothing).</summary>
    private static RunOutcome? ReadOutcomeOrNull(RunFolder folder)
    {
        try
        {
            return folder.ReadOutcome();
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
