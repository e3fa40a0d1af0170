using Rnn.Training.Checkpoints;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Tests.Steps;
using Rnn.Training.Steps;
using Rnn.Training.SingleProcess;

namespace Rnn.Training.Tests.Checkpoints;

public class CheckpointResumeTests
{
    private const string TextJob = """
        { "name": "resume-text", "seed": 4,
          "data": { "kind": "text", "path": "data/text/moby-dick.txt", "window": 16, "limit": 20000 },
          "model": { "layers": [ { "type": "embedding", "units": 8 }, { "type": "gru", "units": 16, "return_sequences": true },
                                 { "type": "dense", "units": "vocab" } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "adam", "lr": 0.01, "clip_norm": 1.0 },
          "training": { "steps": 8, "batch_size": 8, "shards": 2, "checkpoint_every": 3 } }
        """;

    private const string MnistJob = """
        { "name": "resume-mnist", "seed": 4,
          "data": { "kind": "mnist-rows", "path": "data/mnist", "limit": 256 },
          "model": { "layers": [ { "type": "lstm", "units": 12 }, { "type": "dense", "units": 10 } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "sgd", "lr": 0.05, "momentum": 0.9 },
          "training": { "steps": 8, "batch_size": 32, "shards": 2, "checkpoint_every": 3 } }
        """;

    private static TrainingSetup Setup(string json) => TrainingSetup.Load(JobSpecParser.Parse(json, "job"), RepositoryPaths.Root);

    [Theory]
    [InlineData(TextJob)]
    [InlineData(MnistJob)]
    public void ResumedRunEndsBitIdenticalToAnUninterruptedOne(string job)
    {
        var folder = Directory.CreateTempSubdirectory("ckpt");
        try
        {
            string straight;
            using (var trainer = new Trainer(Setup(job)))
            {
                while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
                straight = ParameterHash.Sha256(trainer.Layout, trainer.Parameters);
            }

            var checkpointFolder = Path.Combine(folder.FullName, "checkpoint");
            using (var first = new Trainer(Setup(job)))
            {
                // Stop mid-epoch with carried state: after step 5 (checkpoint at 3 is overwritten by one at 5).
                while (first.Step < 5) first.RunStep();
                CheckpointStore.Write(checkpointFolder, first.CreateCheckpoint(), first.Layout, first.Blocks);
            }
            using var resumed = new Trainer(Setup(job));
            resumed.Restore(CheckpointStore.Read(checkpointFolder, resumed.Layout));
            Assert.Equal(5, resumed.Step);
            while (resumed.Step < resumed.TotalSteps) resumed.RunStep();
            Assert.Equal(straight, ParameterHash.Sha256(resumed.Layout, resumed.Parameters));
        }
        finally
        {
            folder.Delete(true);
        }
    }

    // A run's step-0 checkpoint holds no carried state (the driver writes it before any shard has one): restored into
    // a trainer that has already stepped, stream data starts again from zero state, as a fresh shard does.
    [Fact]
    public void RestoringAStepZeroCheckpointWithoutCarriedStateStartsStreamsFromZero()
    {
        string straight;
        using (var trainer = new Trainer(Setup(TextJob)))
        {
            while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
            straight = ParameterHash.Sha256(trainer.Layout, trainer.Parameters);
        }
        using var restored = new Trainer(Setup(TextJob));
        var initial = restored.CreateCheckpoint();
        var stepZero = new TrainingCheckpoint(initial.JobName, 0, initial.Parameters, initial.BlockOptimizers,
            new Rnn.Kernels.Models.CarriedState?[initial.ShardStates.Count]);
        restored.RunStep();
        restored.RunStep();
        restored.Restore(stepZero);
        Assert.Equal(0, restored.Step);
        while (restored.Step < restored.TotalSteps) restored.RunStep();
        Assert.Equal(straight, ParameterHash.Sha256(restored.Layout, restored.Parameters));
    }

    [Fact]
    public void InterruptedSwapFallsBackToThePreviousCheckpoint()
    {
        var folder = Directory.CreateTempSubdirectory("ckpt-swap");
        try
        {
            using var trainer = new Trainer(Setup(MnistJob));
            trainer.RunStep();
            var checkpointFolder = Path.Combine(folder.FullName, "checkpoint");
            CheckpointStore.Write(checkpointFolder, trainer.CreateCheckpoint(), trainer.Layout, trainer.Blocks);
            // A crash between the two renames leaves only checkpoint.old.
            Directory.Move(checkpointFolder, checkpointFolder + ".old");
            Assert.True(CheckpointStore.Exists(checkpointFolder));
            Assert.Equal(1, CheckpointStore.Read(checkpointFolder, trainer.Layout).Step);
        }
        finally
        {
            folder.Delete(true);
        }
    }

    [Fact]
    public void DamagedCheckpointIsRefusedWithAClearMessage()
    {
        var folder = Directory.CreateTempSubdirectory("ckpt-bad");
        try
        {
            using var trainer = new Trainer(Setup(MnistJob));
            trainer.RunStep();
            var checkpointFolder = Path.Combine(folder.FullName, "checkpoint");
            CheckpointStore.Write(checkpointFolder, trainer.CreateCheckpoint(), trainer.Layout, trainer.Blocks);
            var manifest = Path.Combine(checkpointFolder, "manifest.json");
            File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"parameters_sha256\": \"", "\"parameters_sha256\": \"00", StringComparison.Ordinal));
            var error = Assert.Throws<InvalidDataException>(() => CheckpointStore.Read(checkpointFolder, trainer.Layout));
            Assert.Contains("damaged", error.Message);
        }
        finally
        {
            folder.Delete(true);
        }
    }
}
