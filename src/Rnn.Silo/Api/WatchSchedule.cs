using Rnn.Silo.Jobs;

namespace Rnn.Silo.Api;

/// <summary>
/// When a job checkpoints and evaluates, from its resolved job (the run folder's resolved-job.json): the same rules as the job driver (a checkpoint every
/// training.checkpoint_every steps and after the last; an evaluation every training.eval_every steps, else at each
/// epoch's end, and after the last step). The watch uses it to place checkpoint events and to hold a step back until
/// the evaluation before it has been sent.
/// </summary>
public sealed record WatchSchedule(int CheckpointEvery, int? EvalEvery)
{
    /// <summary>The job's schedule, or null when its resolved job cannot be read (then no checkpoint events are sent).</summary>
    public static WatchSchedule? Read(string? jobFolder)
    {
        if (string.IsNullOrEmpty(jobFolder)) return null;
        try
        {
            var training = new RunFolder(jobFolder).ReadResolvedJob().Spec.Training;
            return new WatchSchedule(training.CheckpointEvery, training.EvalEvery);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    public bool CheckpointAfter(long stepsDone, long totalSteps) =>
        stepsDone > 0 && (stepsDone % CheckpointEvery == 0 || stepsDone == totalSteps);

    /// <summary>
    /// Whether the driver evaluates after <paramref name="stepsDone"/> steps; with epoch-sized evaluations that needs
    /// the epochs of the steps either side (null when one is not known: then "not known to be due").
    /// </summary>
    public bool EvaluationAfter(long stepsDone, long totalSteps, int? epochBefore, int? epochAfter) =>
        stepsDone > 0 && (stepsDone == totalSteps || (EvalEvery is { } every
            ? stepsDone % every == 0
            : epochBefore is { } before && epochAfter is { } after && before != after));
}
