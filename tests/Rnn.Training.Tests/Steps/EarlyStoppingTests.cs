using Rnn.Kernels.Tensors;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;
using Rnn.Training.SingleProcess;
using Rnn.Training.Steps;

namespace Rnn.Training.Tests.Steps;

/// <summary>The validation monitor's rule, and the single-process trainer stopping where it says and keeping the best model.</summary>
public sealed class EarlyStoppingTests
{
    /// <summary>256 images, the last 64 held out for validation: 6 steps per epoch of batch 32.</summary>
    private static string Job(string stopping, int epochs = 12, double lr = 0.01) => $$"""
        { "name": "early-stop", "seed": 5,
          "data": { "kind": "mnist-rows", "path": "data/mnist", "limit": 256, "validation_fraction": 0.25 },
          "model": { "layers": [ { "type": "gru", "units": 16 }, { "type": "dense", "units": 10, "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
          "optimizer": { "type": "adam", "lr": {{lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}} },
          "training": { "epochs": {{epochs}}, "batch_size": 32, "shards": 2{{stopping}} } }
        """;

    private static TrainingSetup Setup(string json) =>
        TrainingSetup.Load(JobResolver.Resolve(JobSpecParser.Parse(json, "test"), RepositoryPaths.Root));

    private static ValidationMonitor Monitor(string monitor, int patience, double minDelta)
    {
        var job = JobResolver.Resolve(JobSpecParser.Parse(Job(
            $$""", "early_stopping": { "monitor": "{{monitor}}", "patience": {{patience}}, "min_delta": {{minDelta.ToString(System.Globalization.CultureInfo.InvariantCulture)}} }"""),
            "test"), RepositoryPaths.Root);
        return new ValidationMonitor(job, hasValidation: true);
    }

    [Fact]
    public void The_monitor_stops_after_patience_evaluations_without_an_improvement_beyond_min_delta()
    {
        var monitor = Monitor("val_loss", patience: 2, minDelta: 0.1);
        Assert.True(monitor.Observe(6, new Dictionary<string, double> { ["val_loss"] = 1.0 }).Improved);
        Assert.True(monitor.Observe(12, new Dictionary<string, double> { ["val_loss"] = 0.8 }).Improved);
        // 0.75 is lower, but not by more than min_delta.
        var verdict = monitor.Observe(18, new Dictionary<string, double> { ["val_loss"] = 0.75 });
        Assert.False(verdict.Improved);
        Assert.Null(verdict.StopReason);
        verdict = monitor.Observe(24, new Dictionary<string, double> { ["val_loss"] = double.NaN });
        Assert.Equal("stopped early at epoch 4 (step 24): val_loss did not improve by more than min_delta 0.1 for 2 evaluations " +
            "(best 0.8 at epoch 2, step 12)", verdict.StopReason);
        Assert.Equal(12, monitor.BestStep);
    }

    [Fact]
    public void Accuracy_is_better_higher()
    {
        var monitor = Monitor("val_accuracy", patience: 1, minDelta: 0);
        Assert.True(monitor.Observe(6, new Dictionary<string, double> { ["val_accuracy"] = 0.5 }).Improved);
        Assert.True(monitor.Observe(12, new Dictionary<string, double> { ["val_accuracy"] = 0.6 }).Improved);
        Assert.NotNull(monitor.Observe(18, new Dictionary<string, double> { ["val_accuracy"] = 0.55 }).StopReason);
        Assert.Equal(0.6, monitor.Best);
    }

    [Fact]
    public void The_trainer_stops_at_the_expected_epoch()
    {
        // min_delta 10 on a loss near 2: only the first evaluation improves, so patience 2 ends the run at epoch 3.
        var setup = Setup(Job(""", "early_stopping": { "patience": 2, "min_delta": 10 }"""));
        Assert.Equal(6, setup.StepsPerEpoch);
        using var trainer = new Trainer(setup);
        var evaluations = new List<long>();
        var reason = trainer.Train((step, _) => evaluations.Add(step));
        Assert.Equal([6L, 12, 18], evaluations);
        Assert.Equal(18, trainer.Step);
        Assert.StartsWith("stopped early at epoch 3 (step 18): val_loss did not improve by more than min_delta 10 for 2 evaluations", reason);
        Assert.Equal(6, trainer.Monitor.BestStep);
    }

    [Fact]
    public void The_best_parameters_are_those_of_the_best_monitored_evaluation()
    {
        // A high rate makes the validation loss wander, so the best is seldom the last.
        var setup = Setup(Job(""", "early_stopping": { "patience": 3 }""", epochs: 10, lr: 0.05));
        using var trainer = new Trainer(setup);
        var losses = new List<(long Step, double Loss)>();
        trainer.Train((step, e) => losses.Add((step, e.Metrics["val_loss"])));
        var best = losses.Where(l => double.IsFinite(l.Loss)).MinBy(l => l.Loss);
        Assert.Equal(best.Step, trainer.Monitor.BestStep);
        Assert.Equal(best.Loss, trainer.Monitor.Best);
        // The kept parameters score exactly that value.
        using var again = new Trainer(setup);
        again.Restore(trainer.CreateCheckpoint() with { Parameters = trainer.BestParameters! });
        Assert.Equal(best.Loss, again.Evaluate().Metrics["val_loss"]);
    }

    [Fact]
    public void A_job_without_early_stopping_runs_every_step_and_still_keeps_the_best_val_loss()
    {
        var setup = Setup(Job("", epochs: 2));
        using var trainer = new Trainer(setup);
        Assert.Null(trainer.Train());
        Assert.Equal(trainer.TotalSteps, trainer.Step);
        Assert.Equal("val_loss", trainer.Monitor.Metric);
        Assert.NotNull(trainer.BestParameters);
    }

    [Fact]
    public void Validation_metrics_of_each_fixed_kind_are_named_val()
    {
        var setup = Setup(Job("", epochs: 1));
        using var trainer = new Trainer(setup);
        var metrics = trainer.Evaluate().Metrics;
        Assert.Equal(["accuracy", "loss", "val_accuracy", "val_loss"], metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(64, setup.ValidationSamples!.Count);
        Assert.Equal(192, setup.TrainSamples!.Count);
    }
}
