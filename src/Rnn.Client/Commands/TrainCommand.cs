using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Client.Plots;
using Rnn.Client.Training;
using Rnn.Contracts.Messages;
using Rnn.Training.Jobs;
using Rnn.Training.Steps;
using Rnn.Client.Progress;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn train [JOB.json]</c>: runs a job through Orleans on a local cluster (one silo in this process, or
/// --silos N processes) and shows its progress. The job is validated before anything starts; the job grain writes
/// the run folder RunsRoot/&lt;job name&gt;. With no job file, the embedded main example is trained. --resume continues
/// the newest run of the job's name from its last checkpoint instead of starting a new run.
/// </summary>
internal sealed class TrainCommand
{
    public const string DefaultRunsFolder = "runs";
    public const int MaxSilos = 16;

    private readonly CliContext _context;
    private readonly ITrainingRunFactory _runs;
    private readonly Option<bool> _verbose;
    private readonly Argument<string?> _job = new("JOB.json")
    {
        Description = $"The job file (see docs/job-format.md) [default: the embedded {EmbeddedJobs.MainExample}]",
        Arity = ArgumentArity.ZeroOrOne,
    };
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string?> _out = new("--out")
    {
        Description = $"Folder the run folder <job name>/ is written in [default: {DefaultRunsFolder}]",
        HelpName = "DIR",
    };
    private readonly Option<int> _silos = new("--silos")
    {
        Description = "Silos on this machine: 1 runs in this process, N starts N-1 more silo processes",
        HelpName = "N",
        DefaultValueFactory = _ => 1,
    };
    private readonly Option<string?> _chaos = new("--chaos")
    {
        Description = "kill-silo:STEP crashes a silo process holding shards when step STEP starts (needs --silos 2 or more)",
        HelpName = "SPEC",
    };
    private readonly Option<int?> _steps = new("--steps")
    {
        Description = "Train N optimizer steps instead of the job's training.epochs/steps (e.g. a quick trial)",
        HelpName = "N",
    };
    private readonly Option<bool> _resume = new("--resume")
    {
        Description = "Continue the newest run of this job (stopped, cancelled or failed) from its last checkpoint, with the same job file",
    };
    private readonly Option<int?> _logEvery = new("--log-every")
    {
        Description = "With plain output, print a line every N steps [default: about 50 lines per run]",
        HelpName = "N",
    };
    private readonly Option<bool> _quiet = new("--quiet", "-q")
    {
        Description = "No live progress bar: plain lines every N steps (the default when output is redirected)",
    };
    private readonly Option<bool> _json = new("--json")
    {
        Description = "One JSON object per line on stdout: start, each step, evaluations, a final summary (or error)",
    };

    public TrainCommand(CliContext context, ITrainingRunFactory runs, Option<bool> verbose)
    {
        _context = context;
        _runs = runs;
        _verbose = verbose;
        _steps.Validators.Add(r => CommonOptions.RequireRange(r, 1, int.MaxValue));
        _logEvery.Validators.Add(r => CommonOptions.RequireRange(r, 1, int.MaxValue));
        _silos.Validators.Add(r => CommonOptions.RequireRange(r, 1, MaxSilos));
        _chaos.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && ChaosPlan.TryParse(text, out var error) is null) r.AddError(error!);
        });
        Command = new Command("train", "Train a job on a local Orleans cluster, with live progress; writes the model and metrics")
        {
            _job, _threads, _out, _silos, _chaos, _steps, _resume, _logEvery, _quiet, _json,
        };
        Command.Validators.Add(r =>
        {
            if (r.GetValue(_chaos) is not null && r.GetValue(_silos) < 2) r.AddError("--chaos needs --silos 2 or more: the silo in this process is never killed");
        });
        Command.SetAction(InvokeAsync);
    }

    public Command Command { get; }

    private async Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellation)
    {
        // curves.png goes into the run folder beside metrics.csv when the run ends.
        var progress = CurvesWritingProgress.InRunFolder(
            TrainingProgressFactory.Create(_context, parse.GetValue(_json), parse.GetValue(_quiet), parse.GetValue(_logEvery)));
        try
        {
            return await RunAsync(parse, progress, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var report = ErrorReporter.Describe(e, parse.GetValue(_verbose));
            progress.Failed(report);
            _context.Error.WriteLine(report.Message);
            return report.ExitCode;
        }
    }

    private async Task<int> RunAsync(ParseResult parse, TrainingProgress progress, CancellationToken cancellation)
    {
        var jobPath = parse.GetValue(_job);
        var (job, jobJson) = LoadJob(jobPath, parse.GetValue(_steps));
        var threads = parse.GetValue(_threads);
        var silos = parse.GetValue(_silos);
        var chaos = parse.GetValue(_chaos) is { } spec ? ChaosPlan.TryParse(spec, out _) : null;
        var runsRoot = Path.GetFullPath(parse.GetValue(_out) ?? DefaultRunsFolder);
        var jobDirectory = jobPath is null ? null : Path.GetDirectoryName(Path.GetFullPath(jobPath));
        var request = new TrainingRequest(job, jobJson, jobDirectory, threads, runsRoot, silos, chaos) { Resume = parse.GetValue(_resume) };

        await using var run = await _runs.OpenAsync(request, cancellation).ConfigureAwait(false);
        progress.Started(new TrainingRunInfo(job.Name, run.TotalSteps, run.StepsPerEpoch, run.StartStep, silos, threads, request.RunFolder));
        var observer = new ProgressObserver(progress, run.TotalSteps);
        var result = await progress.ShowAsync(() => run.RunAsync(observer, cancellation)).ConfigureAwait(false);
        if (result.State == JobState.Failed)
        {
            throw new TrainingFailedException(result.FailureReason ?? "the job failed without a reason");
        }

        // Early stopping ends a run as completed before its last step: say why, in the monitor's own words.
        if (result.StoppedEarly is { } stopped) progress.Note(stopped);
        var tracker = observer.Tracker;
        var outcome = new TrainingOutcome(job.Name, result.Steps, run.TotalSteps, tracker.Elapsed.TotalSeconds,
            tracker.TrainingTime.TotalSeconds, tracker.SamplesSeen, tracker.LastLoss, tracker.SkippedSteps,
            observer.LastEvaluation is { } last && last.Step == result.Steps ? last : result.Test ?? observer.LastEvaluation,
            result.State == JobState.Cancelled, result.ParametersSha256, request.RunFolder, result.Files);
        progress.Finished(outcome);
        return outcome.Interrupted ? ExitCodes.Interrupted : ExitCodes.Success;
    }

    /// <summary>
    /// The job parsed once (every problem reported before any data is read), with --steps applied, and the file's
    /// text as submitted (kept as the run's job.json). No path: the embedded main example.
    /// </summary>
    private static (JobSpec Job, string Text) LoadJob(string? path, int? steps)
    {
        string text;
        JobSpec job;
        if (path is null)
        {
            text = EmbeddedJobs.Read(EmbeddedJobs.MainExample);
            job = JobSpecParser.Parse(text, $"{EmbeddedJobs.MainExample} (embedded)");
        }
        else
        {
            // Load checks that the file exists and names the path when it does not.
            job = JobSpecParser.Load(path);
            text = File.ReadAllText(path);
        }
        // The backend is the cluster's to check: it refuses "cuda" while no silo has a GPU, naming the field.
        return (steps is { } n ? job.WithSteps(n) : job, text);
    }
}
