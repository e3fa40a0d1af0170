using Rnn.Training.Jobs;
using Rnn.Training.Export;
using System.Diagnostics;
using System.Globalization;
using Rnn.Contracts.Messages;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using Rnn.Silo.Compute;
using Rnn.Silo.Jobs;
using Rnn.Silo.Recovery;
using Rnn.Silo.Telemetry;
using Rnn.Kernels.Losses;
using Rnn.Training.Runs;
using Rnn.Training.Steps;
using Rnn.Training.Checkpoints;
using Rnn.Silo.Configuration;

namespace Rnn.Silo.Coordination;

/// <summary>
/// One generation of a job grain driving its run. It starts by taking the next generation in run.json and restoring
/// every shard and parameter server from the checkpoint on disk (writing the step-0 checkpoint first for a new run),
/// so a fresh run, a rollback after a fault and a resume on another silo are the same code path. After each step it
/// queues the metrics.csv row, checkpoints every training.checkpoint_every steps and at the end, and evaluates the
/// test split at epoch ends (or every training.eval_every steps) and at the end. Queued rows are appended before each
/// checkpoint, evaluation and the end, and at least every <see cref="RowFlushInterval"/>: rows not yet written belong
/// to steps after the last checkpoint, which a rollback or resume replays (and writes) anyway. Before every file
/// write it checks that run.json still names its generation, so a driver that has been replaced writes nothing.
/// </summary>
public sealed class JobDriver : IDisposable
{
    private readonly JobRuntime _runtime;
    private readonly RunFolder _folder;
    private readonly IJobSteps _steps;
    private readonly JobCheckpointer _checkpointer;
    private readonly ComputeExecutor _executor;
    private readonly CpuCompute _evaluationCompute;
    private readonly TestEvaluator _evaluator;
    private EvaluationMetrics? _lastEvaluation;
    private readonly ValidationMonitor _monitor;
    private readonly List<StepMetrics> _pendingRows = [];
    private long _lastRowFlush = Stopwatch.GetTimestamp();
    // The run-ahead Plan last made (its steps may still be running ahead).
    private RunAhead? _plan;

    /// <summary>Longest time a finished step's metrics.csv row waits in memory (opening the file per step cost ~0.3 ms).</summary>
    private static readonly TimeSpan RowFlushInterval = TimeSpan.FromSeconds(1);

    private JobDriver(JobRuntime runtime, JobDefinition definition, RunFolder folder, IJobSteps steps,
        JobCheckpointer checkpointer, ComputeExecutor executor, long step, EvaluationMetrics? lastEvaluation)
    {
        _runtime = runtime;
        Definition = definition;
        _folder = folder;
        _steps = steps;
        _checkpointer = checkpointer;
        _executor = executor;
        // Evaluation runs between steps, when the shard's kernel threads are idle: it takes as many (same bits).
        _evaluationCompute = new CpuCompute(executor.Threads);
        _evaluator = new TestEvaluator(runtime.Setup, _evaluationCompute);
        Step = step;
        _lastEvaluation = lastEvaluation;
        _monitor = new ValidationMonitor(runtime.Setup);
    }

    /// <summary>Why the run stops before its last step (the job's <see cref="ValidationMonitor"/> decided); null while it goes on.</summary>
    public string? StopReason => _monitor.StopReason;

    private string EvaluationLogFile => System.IO.Path.Combine(_folder.Path, EvaluationLog.FileName);

    public JobDefinition Definition { get; }

    /// <summary>Steps done (the parameter servers' version).</summary>
    public long Step { get; private set; }

    public long TotalSteps => _runtime.Setup.TotalSteps;

    /// <summary>Where this generation's steps run: the cluster's grains, or this silo alone (<see cref="InProcessSteps"/>).</summary>
    public IJobSteps Steps => _steps;

    /// <summary>
    /// Takes the next generation and restores the job's steps from its checkpoint: every grain of the job, or this
    /// silo's in-process trainer (<see cref="InProcessSteps"/>).
    /// </summary>
    /// <param name="activeSilos">The cluster's active silos now: with one, and the options allowing it, the steps run in this silo.</param>
    public static async Task<JobDriver> BeginAsync(IGrainFactory grains, JobRuntimeCache runtimes, ComputeExecutor executor,
        RnnTrainingOptions options, string jobId, string runId, ResolvedJob job, RunFolder folder, EvaluationMetrics? lastEvaluation,
        int activeSilos, string silo)
    {
        var runtime = await runtimes.GetForEvaluationAsync(new JobDefinition(jobId, runId, job));
        var info = folder.ReadRunInfo() ?? throw new DriverSupersededException($"{folder.RunFile} is missing");
        if (info.RunId != runId || info.JobId != jobId)
            throw new DriverSupersededException($"{folder.Path} now holds run {info.RunId} of job '{info.JobId}'");
        var generation = info.Generation + 1;
        folder.WriteRunInfo(info with { Generation = generation });
        var definition = new JobDefinition(jobId, runId, job) { Generation = generation, Backend = info.Backend };

        var checkpointer = new JobCheckpointer(runtime, definition, folder, executor);
        var checkpoint = folder.HasCheckpoint ? await checkpointer.ReadAsync() : JobCheckpointer.Initial(runtime);
        // The step-0 checkpoint makes every run recoverable from its first step and marks the folder as resumable.
        if (!folder.HasCheckpoint) await checkpointer.WriteAsync(checkpoint);
        IJobSteps steps = InProcessSteps.Applies(options.InProcessSteps, activeSilos, definition.Backend)
            ? await InProcessSteps.CreateAsync(runtimes, definition, executor, silo)
            : new SyncStepCoordinator(grains, runtime, definition, options);
        try
        {
            await steps.RestoreAsync(checkpoint);
            // Rows of the steps about to be replayed are written again; the old ones go.
            await executor.RunAsync(() => MetricsCsvWriter.KeepStepsBefore(folder.MetricsFile, checkpoint.Step));
            var driver = new JobDriver(runtime, definition, folder, steps, checkpointer, executor, checkpoint.Step,
                lastEvaluation?.Step <= checkpoint.Step ? lastEvaluation : null);
            await driver.RestoreMonitorAsync();
            return driver;
        }
        catch
        {
            steps.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Brings the validation monitor to the checkpoint's step: the evaluations logged up to it are replayed (later ones
    /// are dropped; the replayed steps log them again), and one due at the checkpoint's own step that a crash kept out
    /// of the log is done now, so the decisions match an uninterrupted run's.
    /// </summary>
    private async Task RestoreMonitorAsync()
    {
        var step = Step;
        var kept = await _executor.RunAsync(() => EvaluationLog.KeepStepsUpTo(EvaluationLogFile, step));
        if (!_monitor.IsActive) return;
        foreach (var record in kept) _monitor.Observe(record.Step, record.Metrics);
        if (step > 0 && IsEvaluationDue(step, kept.Count == 0 ? null : kept[^1].Step))
        {
            var parameters = await _steps.GatherParametersAsync(step);
            var result = await _executor.RunAsync(() => _evaluator.Evaluate(parameters));
            await ObserveAsync(step, result.Metrics, parameters);
        }
    }

    /// <summary>
    /// Logs an evaluation (every job: a watcher that connects later reads its history there), gives it to the monitor
    /// and writes best/ when it is the best so far.
    /// </summary>
    private async Task ObserveAsync(long step, IReadOnlyDictionary<string, double> metrics, float[] parameters)
    {
        EnsureCurrent();
        await _executor.RunAsync(() => EvaluationLog.Append(EvaluationLogFile, new EvaluationRecord(step, metrics)));
        if (!_monitor.IsActive) return;
        var verdict = _monitor.Observe(step, metrics);
        if (!verdict.Improved) return;
        var info = new BestModelInfo(step, _monitor.EpochOf(step), _monitor.Metric!, _monitor.Best, metrics);
        await _executor.RunAsync(() => BestModelFolder.Write(_folder.Path, _runtime.Setup, _runtime.Layout, parameters, info, _folder.JobFile));
    }

    /// <summary>
    /// Runs the next step and the work due after it; any exception but TrainingFailedException means roll back.
    /// <paramref name="stepDone"/> gets the step's metrics as soon as the step is computed, before its checkpoint and
    /// evaluation, so watchers see the step without waiting for them (a step replayed after a rollback has the same bits).
    /// </summary>
    public async Task<StepOutcome> RunStepAsync(Func<StepMetrics, Task>? stepDone = null)
    {
        using var span = TrainingTracing.StartStep(Definition.JobId, Step);
        var run = await _steps.RunStepAsync(Step, Plan());
        var metrics = run.Metrics;
        if (stepDone is not null) await stepDone(metrics);
        Step++;
        var setup = _runtime.Setup;
        TrainingMetrics.StepCompleted(Definition.JobId, setup.Job.Name, metrics, setup.Job.Training.BatchSize);
        var row = new StepMetrics(metrics.Step, metrics.Epoch, metrics.Loss, metrics.Accuracy, metrics.GradNorm,
            metrics.LearningRate, metrics.Seconds, setup.Job.Training.BatchSize, metrics.SkipReason);
        _pendingRows.Add(row);
        var checkpointDue = IsCheckpointDue(Step);
        // A replayed step was evaluated before the rollback with the same parameters bits: not evaluated twice.
        var evaluationDue = IsEvaluationDue(Step, _lastEvaluation?.Step);
        if (checkpointDue || evaluationDue || Stopwatch.GetElapsedTime(_lastRowFlush) >= RowFlushInterval)
            await FlushRowsAsync();

        float[]? parameters = null;
        var checkpointed = false;
        if (checkpointDue)
        {
            TrainingCheckpoint checkpoint;
            using (TrainingTracing.StartCheckpoint(Definition.JobId, Step, "capture")) checkpoint = run.Snapshot ?? await _steps.CaptureAsync(Step);
            EnsureCurrent();
            await _checkpointer.WriteAsync(checkpoint);
            parameters = checkpoint.Parameters;
            checkpointed = true;
        }

        EvaluationMetrics? evaluation = null;
        if (evaluationDue)
        {
            parameters ??= run.Snapshot?.Parameters ?? await _steps.GatherParametersAsync(Step);
            var p = parameters;
            var result = run.Evaluation ?? await _executor.RunAsync(() => _evaluator.Evaluate(p));
            evaluation = new EvaluationMetrics(Definition.JobId, Step, (int)((Step - 1) / setup.StepsPerEpoch), result.Metrics)
            {
                // A run-ahead's evaluation ended when it stamped it; the driver's own just now.
                CompletedUtc = run.EvaluatedUtc ?? DateTime.UtcNow,
            };
            _lastEvaluation = evaluation;
            TrainingMetrics.Evaluated(evaluation, setup.Job.Name);
            await ObserveAsync(Step, result.Metrics, p);
        }
        return new StepOutcome(metrics, checkpointed, evaluation);
    }

    /// <summary>
    /// What the steps may do before this driver needs them (<see cref="IJobSteps.RunStepAsync"/>): run on to the run's
    /// end, or with an active validation monitor to the next evaluation (it may stop the run there), taking the
    /// snapshots of the checkpoints and the evaluations due on the way as this driver would between steps.
    /// </summary>
    private RunAhead Plan()
    {
        if (_plan is { } plan && plan.To > Step) return plan;
        var to = _monitor.IsActive ? Step + 1 : TotalSteps;
        while (to < TotalSteps && !IsEvaluationDue(to, null)) to++;
        var evaluated = _lastEvaluation?.Step;
        return _plan = new RunAhead(to, IsCheckpointDue, done => IsEvaluationDue(done, evaluated));
    }

    /// <summary>A checkpoint is due after every training.checkpoint_every steps and after the last.</summary>
    private bool IsCheckpointDue(long done) => done % _runtime.Setup.Job.Training.CheckpointEvery == 0 || done == TotalSteps;

    /// <summary>
    /// An evaluation is due at the scheduled steps and the last one, unless one at that step or later was done
    /// (<paramref name="evaluatedStep"/>: a replay after a rollback evaluates nothing twice).
    /// </summary>
    private bool IsEvaluationDue(long done, long? evaluatedStep) =>
        (ValidationMonitor.IsScheduledEvaluation(_runtime.Setup.Resolved, done) || done == TotalSteps) && !(evaluatedStep >= done);

    /// <summary>Writes model.safetensors and summary.json of the finished run and returns the summary's values.</summary>
    /// <param name="startedUtc">When the run (or its last resume by hand) started: the summary's wall time counts from it.</param>
    /// <param name="fromStep">The step the run was resumed from (0: never resumed): samples/s count the steps after it.</param>
    public async Task<JobSummary> FinishAsync(DateTime startedUtc, long fromStep = 0)
    {
        await FlushRowsAsync();
        var parameters = await _steps.GatherParametersAsync(Step);
        var setup = _runtime.Setup;
        var test = _lastEvaluation is { } e && e.Step == Step ? e.Metrics
            : (await _executor.RunAsync(() => _evaluator.Evaluate(parameters))).Metrics;
        var wall = Math.Max(0, (DateTime.UtcNow - startedUtc).TotalSeconds);
        EnsureCurrent();
        var (finalLoss, skipped) = await _executor.RunAsync(() => ReadLossAndSkips(_folder.MetricsFile));
        var hash = ParameterHash.Sha256(_runtime.Layout, parameters);
        var summary = new RunSummary(setup.Job.Name, Step, (double)Step / setup.StepsPerEpoch, wall,
            wall > 0 ? (Step - fromStep) * setup.Job.Training.BatchSize / wall : 0, finalLoss, test, hash, _runtime.Layout.TotalLength,
            setup.Shards, skipped, Definition.Backend)
        {
            StoppedEarly = _monitor.StopReason,
            Best = _monitor.IsActive ? await _executor.RunAsync(() => BestModelFolder.ReadInfo(_folder.Path)) : null,
        };
        await _executor.RunAsync(() =>
        {
            ModelFile.Write(_folder.ModelFile, setup, _runtime.Layout, parameters, Step);
            TorchModuleFile.Write(_folder.TorchModuleFile, setup.Resolved);
            TensorBoardEventFile.Write(_folder.Path, MetricsCsvReader.Read(_folder.MetricsFile), test, startedUtc);
            summary.Write(_folder.SummaryFile);
        });
        return new JobSummary(summary.Steps, summary.WallSeconds, summary.SamplesPerSecond, summary.FinalLoss,
            summary.Test, hash, skipped) { StoppedEarly = summary.StoppedEarly };
    }

    public void Dispose()
    {
        _evaluationCompute.Dispose();
        _steps.Dispose();
    }

    /// <summary>Appends the queued metrics.csv rows (after checking that this driver is still current).</summary>
    public async Task FlushRowsAsync()
    {
        _lastRowFlush = Stopwatch.GetTimestamp();
        if (_pendingRows.Count == 0) return;
        EnsureCurrent();
        var rows = _pendingRows.ToArray();
        _pendingRows.Clear();
        await _executor.RunAsync(() =>
        {
            using var csv = new MetricsCsvWriter(_folder.MetricsFile, append: true);
            foreach (var row in rows) csv.Append(row);
        });
    }

    /// <summary>Throws <see cref="DriverSupersededException"/> unless run.json still names this driver's generation.</summary>
    public void EnsureCurrent()
    {
        var info = _folder.ReadRunInfo();
        if (info is null || info.RunId != Definition.RunId || info.Generation != Definition.Generation)
            throw new DriverSupersededException($"generation {Definition.Generation} of run {Definition.RunId} has been replaced " +
                $"(run.json: {(info is null ? "unreadable" : $"generation {info.Generation} of run {info.RunId}")})");
    }

    /// <summary>
    /// The loss of the last step not skipped and the number of skipped steps, from metrics.csv: the file holds every
    /// step of the run once, also across rollbacks and resumes, where in-memory counters would not.
    /// </summary>
    private static (double FinalLoss, int Skipped) ReadLossAndSkips(string path)
    {
        var rows = MetricsCsvReader.Read(path);
        var finalLoss = rows.LastOrDefault(r => !r.Skipped)?.Loss ?? double.NaN;
        return (finalLoss, rows.Count(r => r.Skipped));
    }
}
