using System.Diagnostics;
using Rnn.Kernels.Checkpoints;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Training;

/// <summary>
/// A whole single-process run into a run folder: model.safetensors, metrics.csv (a row per step) and summary.json.
/// The test split is evaluated at the end of every epoch and of the run (or every training.eval_every steps). A
/// checkpoint is written into checkpoint/ every training.checkpoint_every steps; with <c>resume</c> a run continues
/// from it bit-exactly.
/// </summary>
public static class TrainingRun
{
    public static RunSummary Execute(TrainingSetup setup, string runDirectory, int threads,
        Action<StepMetrics>? onStep = null, Action<long, EvaluationResult>? onEvaluation = null,
        CancellationToken cancellation = default, bool resume = false)
    {
        Directory.CreateDirectory(runDirectory);
        using var trainer = new Trainer(setup, threads);
        var checkpointFolder = Path.Combine(runDirectory, "checkpoint");
        if (resume && CheckpointStore.Exists(checkpointFolder))
            trainer.Restore(CheckpointStore.Read(checkpointFolder, trainer.Layout));
        var metricsPath = Path.Combine(runDirectory, "metrics.csv");
        if (trainer.Step > 0) MetricsCsvWriter.KeepStepsBefore(metricsPath, trainer.Step);
        using var metrics = new MetricsCsvWriter(metricsPath, append: trainer.Step > 0);
        var clock = Stopwatch.StartNew();
        var evalEvery = setup.Job.Training.EvalEvery;
        EvaluationResult? last = null;
        double finalLoss = double.NaN;
        var skipped = 0;
        while (trainer.Step < trainer.TotalSteps)
        {
            cancellation.ThrowIfCancellationRequested();
            var m = trainer.RunStep();
            metrics.Append(m);
            if (m.SkipReason is null) finalLoss = m.Loss;
            else skipped++;
            onStep?.Invoke(m);
            if (trainer.Step % setup.Job.Training.CheckpointEvery == 0 || trainer.Step == trainer.TotalSteps)
                CheckpointStore.Write(checkpointFolder, trainer.CreateCheckpoint(), trainer.Layout, trainer.Blocks);
            var evaluate = evalEvery is { } every ? trainer.Step % every == 0 : trainer.IsEpochEnd;
            if (evaluate || trainer.Step == trainer.TotalSteps)
            {
                last = trainer.Evaluate();
                onEvaluation?.Invoke(trainer.Step, last);
            }
        }
        last ??= trainer.Evaluate();
        var wall = clock.Elapsed.TotalSeconds;
        ModelFile.Write(Path.Combine(runDirectory, "model.safetensors"), setup, trainer.Layout, trainer.Parameters, trainer.Step);
        var summary = new RunSummary(setup.Job.Name, trainer.Step, (double)trainer.Step / setup.StepsPerEpoch, wall,
            wall > 0 ? trainer.Step * setup.Job.Training.BatchSize / wall : 0, finalLoss, last.Metrics,
            ParameterHash.Sha256(trainer.Layout, trainer.Parameters), trainer.Layout.TotalLength, setup.Shards, skipped);
        summary.Write(Path.Combine(runDirectory, "summary.json"));
        return summary;
    }
}
