using Rnn.Client.Training;
using Rnn.Contracts.Messages;
using Rnn.Client.Progress;

namespace Rnn.Client.Tests.Support;

/// <summary>
/// A training run whose steps are made up (loss 1/step, accuracy rising, an evaluation at each epoch end and after
/// the last step), so the command's displays and error handling can be tested without a cluster, data or compute.
/// </summary>
internal sealed class ScriptedTrainingRun(long totalSteps, int stepsPerEpoch) : ITrainingRun
{
    public const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public long TotalSteps { get; } = totalSteps;

    public int StepsPerEpoch { get; } = stepsPerEpoch;

    /// <summary>The run folder the scripted job "writes" its one file into; set by the factory.</summary>
    public string RunFolder { get; set; } = "";

    /// <summary>Steps (1-based) whose update is reported as skipped.</summary>
    public HashSet<long> SkippedSteps { get; } = [];

    /// <summary>Thrown by the step with this number (1-based), if set.</summary>
    public (long Step, Exception Exception)? Failure { get; set; }

    /// <summary>The job ends as failed with this reason after this step.</summary>
    public (long Step, string Reason)? JobFailure { get; set; }

    /// <summary>Cancelled after the step with this number, to stand in for Ctrl+C.</summary>
    public (long Step, CancellationTokenSource Source)? CancelAfter { get; set; }

    public bool Disposed { get; private set; }

    public async Task<TrainingResult> RunAsync(ITrainingObserver observer, CancellationToken cancellation)
    {
        long step = 0;
        while (step < TotalSteps)
        {
            await Task.Yield();
            // As the job grain does: a cancel takes effect between steps.
            if (cancellation.IsCancellationRequested) return Result(JobState.Cancelled, step, null);
            step++;
            if (Failure is { } failure && failure.Step == step) throw failure.Exception;
            observer.StepDone(Report(step));
            if (JobFailure is { } jobFailure && jobFailure.Step == step) return Result(JobState.Failed, step, jobFailure.Reason);
            if (CancelAfter is { } cancel && cancel.Step == step) await cancel.Source.CancelAsync();
            if (step % StepsPerEpoch == 0 || step == TotalSteps)
            {
                observer.Evaluated(new EvaluationReport(step, new Dictionary<string, double> { ["loss"] = 1.0 / (step + 1), ["accuracy"] = 0.5 })
                {
                    CompletedUtc = CompletedAt(step).AddMilliseconds(1),
                });
            }
        }
        return Result(JobState.Completed, step, null);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>The silo's time of step <paramref name="step"/>'s end in this script: one step every 10 ms from midnight UTC.</summary>
    public static DateTime CompletedAt(long step) => new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(10 * step);

    private TrainingStepReport Report(long step)
    {
        var epoch = (int)((step - 1) / StepsPerEpoch) + 1;
        var report = SkippedSteps.Contains(step)
            ? new TrainingStepReport(step, epoch, double.NaN, null, double.NaN, 0.01, 0.001, 32, "the gradient is not finite")
            : new TrainingStepReport(step, epoch, 1.0 / step, Math.Min(1, 0.1 * step), 0.5, 0.01, 0.001, 32, null);
        return report with { CompletedUtc = CompletedAt(step) };
    }

    private TrainingResult Result(JobState state, long steps, string? reason)
    {
        Directory.CreateDirectory(RunFolder);
        var file = Path.Combine(RunFolder, "summary.txt");
        File.WriteAllText(file, $"{steps}/{TotalSteps}");
        return new TrainingResult(state, steps, reason, state == JobState.Completed ? Hash : null, null, [file]);
    }
}
