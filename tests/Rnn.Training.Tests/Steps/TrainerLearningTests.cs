using Rnn.Training.Jobs;
using Rnn.Training.Steps;
using Rnn.Training.SingleProcess;

namespace Rnn.Training.Tests.Steps;

public class TrainerLearningTests
{
    private static TrainingSetup Setup(string json) =>
        TrainingSetup.Load(JobSpecParser.Parse(json, "test-job"), RepositoryPaths.Root);

    [Fact]
    public void SequentialMnistSubsetReachesEightyPercentTestAccuracy()
    {
        var setup = Setup("""
            { "name": "mnist-small", "seed": 7,
              "data": { "kind": "mnist-rows", "path": "data/mnist", "limit": 4096 },
              "model": { "layers": [ { "type": "lstm", "units": 48 }, { "type": "dense", "units": 10 } ] },
              "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
              "optimizer": { "type": "adam", "lr": 0.005, "clip_norm": 5.0 },
              "training": { "steps": 300, "batch_size": 32, "shards": 2 } }
            """);
        using var trainer = new Trainer(setup, threads: 2);
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        var accuracy = trainer.Evaluate().Metrics["accuracy"];
        Assert.True(accuracy >= 0.8, $"test accuracy {accuracy:P1} after 300 steps");
    }

    [Fact]
    public void CharacterModelTestBitsPerCharacterFallBelowThreeAndAHalf()
    {
        var setup = Setup("""
            { "name": "charlm-small", "seed": 3,
              "data": { "kind": "text", "path": "data/text/moby-dick.txt", "window": 32, "limit": 60000 },
              "model": { "layers": [ { "type": "embedding", "units": 16 },
                                     { "type": "lstm", "units": 64, "return_sequences": true },
                                     { "type": "dense", "units": "vocab" } ] },
              "loss": "sparse_categorical_crossentropy",
              "optimizer": { "type": "adam", "lr": 0.01, "clip_norm": 5.0 },
              "training": { "steps": 250, "batch_size": 16, "shards": 2 } }
            """);
        using var trainer = new Trainer(setup, threads: 2);
        var first = trainer.RunStep().Loss;
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        var bits = trainer.Evaluate().Metrics["bits_per_char"];
        Assert.True(first > 4.0, $"first loss {first:F3} should be near ln(vocabulary)");
        Assert.True(bits < 3.5, $"test bits per character {bits:F3} after 250 steps");
    }

    [Fact]
    public void Co2ForecastLearnsToTrackTheSeries()
    {
        var setup = Setup("""
            { "name": "co2-small", "seed": 5,
              "data": { "kind": "csv", "path": "data/timeseries/co2-concentration.csv", "column": "CO2", "window": 24 },
              "model": { "layers": [ { "type": "gru", "units": 16 }, { "type": "dense", "units": 1 } ] },
              "loss": "mse",
              "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": 300, "batch_size": 32 } }
            """);
        using var trainer = new Trainer(setup, threads: 1);
        var before = trainer.Evaluate().Metrics["rmse"];
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        var metrics = trainer.Evaluate().Metrics;
        Assert.True(metrics["rmse"] < before / 4, $"test RMSE {metrics["rmse"]:F2} ppm after training, {before:F2} before");
        Assert.True(metrics["baseline_rmse"] > 0);
    }
}
