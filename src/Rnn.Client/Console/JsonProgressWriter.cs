using System.Globalization;
using System.Text.Json;
using Rnn.Kernels.Losses;
using Rnn.Client;
using Rnn.Client.Progress;

namespace Rnn.Client.Console;

/// <summary>
/// --json: one JSON object per line on stdout, each with an "event" (start, step, eval, summary, error), for
/// programs that follow a run; step and eval events carry the wall seconds since start as the event arrived and the silo's
/// UTC time when the job finished the step or evaluation (completed_utc). Non-finite numbers (a skipped step's loss) are
/// written as null: JSON has no NaN.
/// </summary>
internal sealed class JsonProgressWriter(TextWriter output) : TrainingProgress
{
    private readonly System.Diagnostics.Stopwatch _sinceStart = new();
    private TrainingRunInfo? _info;

    public override void Started(TrainingRunInfo info)
    {
        _info = info;
        _sinceStart.Restart();
        WriteLine(w =>
        {
            w.WriteString("event", "start");
            w.WriteString("job", info.JobName);
            w.WriteNumber("total_steps", info.TotalSteps);
            if (info.EpochsKnown)
            {
                w.WriteNumber("steps_per_epoch", info.StepsPerEpoch);
                w.WriteNumber("epochs", info.Epochs);
            }
            else
            {
                w.WriteNull("steps_per_epoch");
                w.WriteNull("epochs");
            }
            w.WriteNumber("start_step", info.StartStep);
            w.WriteNumber("silos", info.Silos);
            w.WriteNumber("threads", info.Threads);
            w.WriteString("out", info.OutputDirectory);
        });
    }

    public override void StepDone(TrainingStepReport step, ProgressSnapshot snapshot) => WriteLine(w =>
    {
        w.WriteString("event", "step");
        w.WriteNumber("step", step.Step);
        w.WriteNumber("total_steps", _info?.TotalSteps ?? 0);
        w.WriteNumber("epoch", step.Epoch);
        Number(w, "loss", step.Loss);
        Number(w, "accuracy", step.Accuracy);
        Number(w, "epoch_loss", snapshot.EpochLoss);
        Number(w, "epoch_accuracy", snapshot.EpochAccuracy);
        Number(w, "grad_norm", step.GradNorm);
        Number(w, "learning_rate", step.LearningRate);
        Number(w, "seconds", step.Seconds);
        // Wall time since the start event at this step's report: steps per second over a run, checkpoints and
        // hand-offs included, as a torch loop's stopwatch measures it.
        w.WriteNumber("elapsed_seconds", Math.Round(_sinceStart.Elapsed.TotalSeconds, 3));
        CompletedAt(w, step.CompletedUtc);
        w.WriteNumber("samples", step.Samples);
        Number(w, "samples_per_second", snapshot.SamplesPerSecond);
        Number(w, "eta_seconds", snapshot.Remaining?.TotalSeconds);
        if (step.SkipReason is null) w.WriteNull("skipped");
        else w.WriteString("skipped", step.SkipReason);
    });

    public override void Evaluated(EvaluationReport evaluation) => WriteLine(w =>
    {
        w.WriteString("event", "eval");
        w.WriteNumber("step", evaluation.Step);
        // Wall time since the start event, when the event arrived here: it includes the stream's lag (up to 100 ms in
        // local mode). completed_utc, the silo's clock when the evaluation ended, has none: the difference between two
        // epoch-end evaluations' is the epoch's time, evaluation included, as torch and Keras scripts report it.
        w.WriteNumber("elapsed_seconds", Math.Round(_sinceStart.Elapsed.TotalSeconds, 3));
        CompletedAt(w, evaluation.CompletedUtc);
        WriteMetrics(w, evaluation);
    });

    public override void Finished(TrainingOutcome outcome) => WriteLine(w =>
    {
        w.WriteString("event", "summary");
        w.WriteString("job", outcome.JobName);
        w.WriteString("status", outcome.Interrupted ? "interrupted" : "completed");
        w.WriteNumber("steps", outcome.Steps);
        w.WriteNumber("total_steps", outcome.TotalSteps);
        Number(w, "seconds", outcome.Seconds);
        Number(w, "training_seconds", outcome.TrainingSeconds);
        w.WriteNumber("samples", outcome.SamplesSeen);
        Number(w, "samples_per_second", outcome.SamplesPerSecond);
        Number(w, "last_loss", outcome.LastLoss);
        w.WriteNumber("skipped_steps", outcome.SkippedSteps);
        if (outcome.LastEvaluation is { } evaluation) WriteMetrics(w, evaluation);
        else w.WriteNull("metrics");
        if (outcome.ParametersSha256 is { } hash) w.WriteString("parameters_sha256", hash);
        else w.WriteNull("parameters_sha256");
        w.WriteString("out", outcome.OutputDirectory);
        w.WriteStartArray("files");
        foreach (var file in outcome.Files) w.WriteStringValue(file);
        w.WriteEndArray();
    });

    public override void Note(string message) => WriteLine(w =>
    {
        w.WriteString("event", "note");
        w.WriteString("message", message);
    });

    public override void Failed(ErrorReport report) => WriteLine(w =>
    {
        w.WriteString("event", "error");
        w.WriteNumber("exit_code", report.ExitCode);
        w.WriteString("message", report.Message);
    });

    private static void WriteMetrics(Utf8JsonWriter writer, EvaluationReport evaluation) =>
        JsonLines.Metrics(writer, "metrics", evaluation.Metrics);

    private static void Number(Utf8JsonWriter writer, string name, double? value) => JsonLines.Number(writer, name, value);

    /// <summary>"completed_utc": ISO 8601 with the Z, to the microsecond; null where no producer stamped the event.</summary>
    private static void CompletedAt(Utf8JsonWriter writer, DateTime? completedUtc)
    {
        if (completedUtc is not { } utc)
        {
            writer.WriteNull("completed_utc");
            return;
        }
        var text = DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        writer.WriteString("completed_utc", text);
    }

    private void WriteLine(Action<Utf8JsonWriter> write) => JsonLines.Write(output, write);
}
