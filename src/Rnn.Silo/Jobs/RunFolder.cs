using Rnn.Training.Jobs;
using System.Text.Json;
using Rnn.Training.Checkpoints;
using Rnn.Training.Runs;

namespace Rnn.Silo.Jobs;

/// <summary>
/// A job's folder, {RunsRoot}/{job name}/, shared by all silos: job.json (the job file as submitted), run.json
/// (<see cref="RunInfo"/>), tenant.json (<see cref="RunOwner"/>, written by the API), checkpoint/ (<see cref="CheckpointStore"/>), metrics.csv, and at the end
/// model.safetensors, model.py, summary.json and outcome.json (<see cref="RunOutcome"/>). A folder with a checkpoint and no
/// outcome is an unfinished run that any silo may resume from disk alone.
/// The folder always holds the newest run of the name; a new run first moves every file of the run before it into
/// earlier/&lt;its run id&gt;/ (<see cref="EarlierRuns"/>), so no run is ever deleted and the paths of the newest run
/// stay runs/&lt;name&gt;/model.safetensors etc. Only top-level folders are scanned for unfinished runs, so an
/// earlier run is never resumed.
/// </summary>
public sealed class RunFolder
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public RunFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    /// <summary>The job file as it was submitted, for people and for <c>rnn eval</c>; never read by the silo.</summary>
    public string JobFile => Combine("job.json");

    /// <summary>The resolved job (<see cref="ResolvedJobFile"/>): what a job whose grain state was lost resumes from.</summary>
    public string ResolvedJobPath => Combine(ResolvedJobFile.FileName);

    public string RunFile => Combine("run.json");

    public string OwnerFile => Combine("tenant.json");

    public string CheckpointFolder => Combine("checkpoint");

    public string MetricsFile => Combine("metrics.csv");

    public string ModelFile => Combine("model.safetensors");

    public string SummaryFile => Combine("summary.json");

    /// <summary>model.py: the torch.nn.Module that loads model.safetensors (<see cref="Training.Runs.TorchModuleFile"/>).</summary>
    public string TorchModuleFile => Combine(Training.Runs.TorchModuleFile.FileName);

    public string OutcomeFile => Combine("outcome.json");

    /// <summary>Where earlier runs of this name are kept, one folder per run named by its run id.</summary>
    public string EarlierRunsFolder => Combine(EarlierRunsFolderName);

    public const string EarlierRunsFolderName = "earlier";

    public static RunFolder For(string runsRoot, string jobName) => new(System.IO.Path.Combine(runsRoot, jobName));

    /// <summary>Null when <paramref name="jobName"/> is usable as a folder name under the runs root, else why not.</summary>
    public static string? ValidateName(string jobName) =>
        jobName.Length == 0 || jobName.StartsWith('.') || jobName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            ? $"'{jobName}' cannot name a run folder: use letters, digits, '.', '_' or '-', not starting with '.'"
            : null;

    public bool HasCheckpoint => CheckpointStore.Exists(CheckpointFolder);

    /// <summary>Started (job.json, run.json and a checkpoint) and not ended (no outcome.json, no summary.json).</summary>
    public bool IsUnfinished => File.Exists(ResolvedJobPath) && File.Exists(RunFile) && HasCheckpoint
        && !File.Exists(OutcomeFile) && !File.Exists(SummaryFile);

    public RunInfo? ReadRunInfo()
    {
        try
        {
            return File.Exists(RunFile) ? JsonSerializer.Deserialize<RunInfo>(File.ReadAllText(RunFile), Json) : null;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            // Being replaced at this moment (writes go through a rename), or damaged: treated as absent.
            return null;
        }
    }

    public void WriteRunInfo(RunInfo info) => WriteAtomically(RunFile, JsonSerializer.Serialize(info, Json));

    /// <summary>The tenant of the job that run.json names; null when tenant.json is missing, damaged or of an earlier run.</summary>
    public RunOwner? ReadCurrentOwner()
    {
        try
        {
            if (!File.Exists(OwnerFile)) return null;
            var owner = JsonSerializer.Deserialize<RunOwner>(File.ReadAllText(OwnerFile), Json);
            return owner is { JobId: not null, Tenant: not null } && ReadRunInfo()?.JobId == owner.JobId ? owner : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Records the job's tenant (atomically: a reader sees the old file or the new one, never a part).</summary>
    public void WriteOwner(RunOwner owner) => WriteAtomically(OwnerFile, JsonSerializer.Serialize(owner, Json));

    /// <exception cref="InvalidDataException">The file is damaged (its content hash does not match).</exception>
    public ResolvedJob ReadResolvedJob() => ResolvedJobFile.Read(ResolvedJobPath);

    public RunOutcome? ReadOutcome() =>
        File.Exists(OutcomeFile) ? JsonSerializer.Deserialize<RunOutcome>(File.ReadAllText(OutcomeFile), Json) : null;

    public void WriteOutcome(RunOutcome outcome) => WriteAtomically(OutcomeFile, JsonSerializer.Serialize(outcome, Json));

    /// <summary>
    /// Moves the run before it (if any) into earlier/&lt;run id&gt;/ and records a new run: job.json (the submitted
    /// text), resolved-job.json and run.json.
    /// </summary>
    public void StartNewRun(string jobFileText, ResolvedJob job, RunInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Directory.CreateDirectory(Path);
        KeepEarlierRun();
        WriteAtomically(JobFile, jobFileText);
        WriteAtomically(ResolvedJobPath, ResolvedJobFile.Serialize(job));
        WriteRunInfo(info);
    }

    /// <summary>The earlier runs of this name (earlier/*/), oldest first by their run.json's start time.</summary>
    public IReadOnlyList<RunFolder> EarlierRuns() =>
        !Directory.Exists(EarlierRunsFolder) ? [] : Directory.EnumerateDirectories(EarlierRunsFolder)
            .Select(p => new RunFolder(p))
            .OrderBy(f => f.ReadRunInfo()?.StartedUtc ?? DateTime.MinValue)
            .ThenBy(f => f.Path, StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// The folder of job <paramref name="jobId"/>'s run: this one while its run.json names the job, else the newest
    /// earlier run that does (a later run of the same name moved it there), else null.
    /// </summary>
    public RunFolder? RunOf(string jobId)
    {
        if (ReadRunInfo()?.JobId == jobId) return this;
        return EarlierRuns().LastOrDefault(f => f.ReadRunInfo()?.JobId == jobId);
    }

    // Every entry of the folder but earlier/ moves (a rename on the same file system, nothing is copied) into
    // earlier/<run id>/; a folder without a readable run.json (written by an older version, or damaged) is kept
    // under the time it is moved.
    private void KeepEarlierRun()
    {
        var entries = Directory.EnumerateFileSystemEntries(Path)
            .Where(e => System.IO.Path.GetFileName(e) != EarlierRunsFolderName).ToArray();
        if (entries.Length == 0) return;
        var id = ReadRunInfo()?.RunId is { Length: > 0 } runId && ValidateName(runId) is null
            ? runId
            : "unrecorded-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var target = System.IO.Path.Combine(EarlierRunsFolder, id);
        for (var n = 2; Directory.Exists(target); n++) target = System.IO.Path.Combine(EarlierRunsFolder, $"{id}-{n}");
        Directory.CreateDirectory(target);
        foreach (var entry in entries)
        {
            var destination = System.IO.Path.Combine(target, System.IO.Path.GetFileName(entry));
            if (Directory.Exists(entry)) Directory.Move(entry, destination);
            else File.Move(entry, destination);
        }
    }

    private string Combine(string name) => System.IO.Path.Combine(Path, name);

    private static void WriteAtomically(string path, string text)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
