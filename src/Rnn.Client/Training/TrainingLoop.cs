using System.Diagnostics;
using Rnn.Client.Console;

namespace Rnn.Client.Training;

/// <summary>
/// Drives a run to its last step: one step at a time, evaluating on the test split at the job's cadence, and
/// stopping cleanly between steps on Ctrl+C so the outputs can still be written.
/// </summary>
internal sealed class TrainingLoop(ITrainingRun run, int? evalEvery, CancellationToken cancellation)
{
    /// <summary>Runs the remaining steps; the outcome's output folder and files are filled in by the caller.</summary>
    public TrainingOutcome Run(string jobName, TrainingProgress progress)
    {
        var tracker = new ProgressTracker(run.Step, run.TotalSteps);
        EvaluationReport? lastEvaluation = null;
        var interrupted = false;
        while (run.Step < run.TotalSteps)
        {
            if (cancellation.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }

            var step = run.RunStep();
            progress.StepDone(step, tracker.Add(step));
            if (IsEvaluationDue())
            {
                var started = Stopwatch.GetTimestamp();
                lastEvaluation = run.Evaluate();
                tracker.AddEvaluationTime(Stopwatch.GetElapsedTime(started));
                progress.Evaluated(lastEvaluation);
            }
        }

        return new TrainingOutcome(jobName, run.Step, run.TotalSteps, tracker.Elapsed.TotalSeconds,
            tracker.TrainingTime.TotalSeconds, tracker.SamplesSeen,
            tracker.LastLoss, tracker.SkippedSteps, lastEvaluation, interrupted, OutputDirectory: "", Files: []);
    }

    // training.eval_every N: every N steps; otherwise at each epoch end. Always after the last step, so the summary
    // reports the final model's test metrics.
    private bool IsEvaluationDue()
    {
        if (run.Step >= run.TotalSteps) return true;
        return evalEvery is { } every ? run.Step % every == 0 : run.IsEpochEnd;
    }
}
