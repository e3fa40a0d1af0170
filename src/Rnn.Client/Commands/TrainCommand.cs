using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Client.Training;
using Rnn.Kernels.Jobs;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn train JOB.json</c>: trains a job in this process and writes the model and metrics to a run folder. The
/// job is validated before anything starts; progress goes to a live bar, plain lines or JSON lines.
/// </summary>
internal sealed class TrainCommand
{
    public const string DefaultRunsFolder = "runs";

    private readonly CliContext _context;
    private readonly ITrainingRunFactory _runs;
    private readonly Option<bool> _verbose;
    private readonly Argument<string> _job = new("JOB.json") { Description = "The job file (see docs/job-format.md)" };
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string?> _out = new("--out")
    {
        Description = $"Run folder for the model, metrics and job [default: {DefaultRunsFolder}/<job name>]",
        HelpName = "DIR",
    };
    private readonly Option<int?> _steps = new("--steps")
    {
        Description = "Train N optimizer steps instead of the job's training.epochs/steps (e.g. a quick trial)",
        HelpName = "N",
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
        Command = new Command("train", "Train a job in this process, with live progress; writes the model and metrics")
        {
            _job, _threads, _out, _steps, _logEvery, _quiet, _json,
        };
        Command.SetAction(InvokeAsync);
    }

    public Command Command { get; }

    // The loop is synchronous compute; it runs off the invocation thread so that Ctrl+C handling stays responsive,
    // and checks the token between steps to stop cleanly and still write what it has.
    private Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellation) =>
        Task.Run(() => Invoke(parse, cancellation), CancellationToken.None);

    private int Invoke(ParseResult parse, CancellationToken cancellation)
    {
        var progress = TrainingProgressFactory.Create(_context, parse.GetValue(_json), parse.GetValue(_quiet), parse.GetValue(_logEvery));
        try
        {
            return Run(parse, progress, cancellation);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var report = ErrorReporter.Describe(e, parse.GetValue(_verbose));
            progress.Failed(report);
            _context.Error.WriteLine(report.Message);
            return report.ExitCode;
        }
    }

    private int Run(ParseResult parse, TrainingProgress progress, CancellationToken cancellation)
    {
        var jobPath = parse.GetRequiredValue(_job);
        var job = LoadJob(jobPath, parse.GetValue(_steps));
        var threads = parse.GetValue(_threads);
        var outputDirectory = Path.GetFullPath(parse.GetValue(_out) ?? Path.Combine(DefaultRunsFolder, job.Name));

        using var run = _runs.Open(job, Path.GetDirectoryName(Path.GetFullPath(jobPath)), threads, outputDirectory);
        progress.Started(new TrainingRunInfo(job.Name, run.TotalSteps, run.StepsPerEpoch, run.Step, threads, outputDirectory));
        var loop = new TrainingLoop(run, job.Training.EvalEvery, cancellation);
        var outcome = progress.Show(() => loop.Run(job.Name, progress)) with { OutputDirectory = outputDirectory };
        var files = run.WriteOutputs(outcome);
        outcome = outcome with { Files = files };
        progress.Finished(outcome);
        return outcome.Interrupted ? ExitCodes.Interrupted : ExitCodes.Success;
    }

    /// <summary>The validated job, with --steps applied; everything wrong with it is reported before any data is read.</summary>
    private static JobSpec LoadJob(string path, int? steps)
    {
        var job = JobSpecParser.Load(path);
        if (job.Backend is not (BackendNames.Auto or BackendNames.Cpu))
        {
            throw new JobValidationException(path, [new JobValidationError("backend",
                $"'{job.Backend}' is not available in this build of rnn; use \"{BackendNames.Cpu}\" or \"{BackendNames.Auto}\"")]);
        }
        if (steps is { } n)
        {
            // --steps makes the job a job of N steps rather than cutting it short: the learning-rate schedule spans
            // the N steps, and the run reads as complete.
            job = job with { Training = job.Training with { Steps = n, Epochs = null } };
        }
        return job;
    }
}
