using Rnn.Client;

namespace Rnn.Client.Progress;

/// <summary>
/// How the train command shows a run: a live progress bar on a terminal, plain lines in logs, or JSON lines for
/// programs. The training loop reports events; each display decides what to print.
/// </summary>
internal abstract class TrainingProgress
{
    /// <summary>Follows the run; a live display wraps it so that it can redraw while the run goes on.</summary>
    public virtual Task<T> ShowAsync<T>(Func<Task<T>> work) => work();

    public abstract void Started(TrainingRunInfo info);

    public abstract void StepDone(TrainingStepReport step, ProgressSnapshot snapshot);

    public abstract void Evaluated(EvaluationReport evaluation);

    public abstract void Finished(TrainingOutcome outcome);

    /// <summary>An event that is not a step, e.g. a silo killed by --chaos.</summary>
    public abstract void Note(string message);

    /// <summary>The run failed; the message also goes to stderr, so only machine-readable displays add anything.</summary>
    public virtual void Failed(ErrorReport report)
    {
    }
}
