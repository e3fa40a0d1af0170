using System.Text.Json;
using Rnn.Contracts.Messages;
using Rnn.Training.Checkpoints;
using Rnn.Training.Jobs;

namespace Rnn.Silo.Jobs;

/// <summary>
/// Whether the newest run in a run folder can be resumed by hand (<c>rnn train JOB --resume</c>) with a job: there is a
/// run, it has not completed (it was cancelled, failed, or stopped without an outcome), and the job is the one the run
/// was resolved to (same content hash; otherwise each field that differs is named). The job grain decides with this;
/// the <c>rnn</c> tool asks the same before it starts a silo, so a refusal comes at once.
/// </summary>
public static class RunResumption
{
    public const string Field = "resume";

    /// <summary>Most differing fields named one by one.</summary>
    private const int MaxDifferencesNamed = 12;

    /// <summary>Every reason <paramref name="job"/> cannot resume the newest run in <paramref name="folder"/>; empty when it can.</summary>
    public static IReadOnlyList<JobFieldError> Check(RunFolder folder, ResolvedJob job)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(job);
        var plain = $"start a new run without --resume (rnn train JOB)";
        if (folder.ReadRunInfo() is not { } info || !File.Exists(folder.ResolvedJobPath))
            return [new(Field, $"there is no run of job '{job.Name}' to resume in {folder.Path}; {plain}")];
        RunOutcome? outcome;
        try
        {
            outcome = folder.ReadOutcome();
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            outcome = null;
        }
        if (outcome?.State == JobState.Completed || File.Exists(folder.SummaryFile))
        {
            var steps = outcome?.Step is { } s ? $" all {s} steps" : "";
            return [new(Field, $"run {info.RunId} of job '{job.Name}' in {folder.Path} already completed{steps}; there is nothing to resume: " +
                $"{plain}, which keeps the finished run under {RunFolder.EarlierRunsFolderName}/")];
        }

        ResolvedJob before;
        try
        {
            before = folder.ReadResolvedJob();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return [new(Field, $"run {info.RunId} in {folder.Path} cannot be resumed: {e.Message}; {plain}")];
        }
        if (before.ContentHash == job.ContentHash) return [];
        var differences = ResolvedJobDiff.Between(before, job);
        var tail = $"--resume continues a run with the job it was started with: undo the change, or {plain}";
        if (differences.Count == 0)
            return [new(Field, $"the job changed since run {info.RunId} in {folder.Path} started (its resolved job hashes differently); {tail}")];
        var errors = differences.Take(MaxDifferencesNamed)
            .Select(d => new JobFieldError(d.Field, $"{d.Before} in the run being resumed ({folder.Path}), {d.After} in this job")).ToList();
        if (differences.Count > MaxDifferencesNamed)
            errors.Add(new(Field, $"... and {differences.Count - MaxDifferencesNamed} more difference(s)"));
        errors.Add(new(Field, $"the job changed since run {info.RunId} started ({differences.Count} field(s) above); {tail}"));
        return errors;
    }

    /// <summary>
    /// Reopens the run for its job grain <paramref name="jobId"/>: outcome.json goes (the resumed run writes its own at
    /// its end) and run.json records the resume. Returns the run.json now in force.
    /// </summary>
    public static RunInfo Reopen(RunFolder folder, string jobId)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var info = folder.ReadRunInfo() ?? throw new InvalidOperationException($"{folder.RunFile} is missing");
        var resumed = info with
        {
            JobId = jobId, ResumedUtc = DateTime.UtcNow, ResumedStep = CheckpointStore.ReadStep(folder.CheckpointFolder) ?? 0,
        };
        folder.WriteRunInfo(resumed);
        if (File.Exists(folder.OutcomeFile)) File.Delete(folder.OutcomeFile);
        return resumed;
    }
}
