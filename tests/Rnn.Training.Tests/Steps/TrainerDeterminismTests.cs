using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Runs;
using Rnn.Training.Safetensors;
using Rnn.Training.Steps;
using Rnn.Training.SingleProcess;

namespace Rnn.Training.Tests.Steps;

public class TrainerDeterminismTests
{
    private const string Job = """
        { "name": "determinism", "seed": 11,
          "data": { "kind": "mnist-rows", "path": "data/mnist", "limit": 512 },
          "model": { "layers": [ { "type": "gru", "units": 40, "return_sequences": true }, { "type": "dropout", "rate": 0.2 },
                                 { "type": "lstm", "units": 24 }, { "type": "dense", "units": 10 } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "adam", "lr": 0.003, "clip_norm": 0.05 },
          "training": { "steps": 6, "batch_size": 32, "shards": 2 } }
        """;

    private static string TrainAndHash(int threads, int shards = 2, bool clip = true)
    {
        var json = Job.Replace("\"shards\": 2", $"\"shards\": {shards}", StringComparison.Ordinal);
        if (!clip) json = json.Replace(", \"clip_norm\": 0.05", "", StringComparison.Ordinal);
        var setup = TrainingSetup.Load(JobSpecParser.Parse(json, "determinism"), RepositoryPaths.Root);
        using var trainer = new Trainer(setup, threads);
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        return ParameterHash.Sha256(trainer.Layout, trainer.Parameters);
    }

    [Fact]
    public void OneAndTwoThreadsGiveBitIdenticalParameters() => Assert.Equal(TrainAndHash(1), TrainAndHash(2));

    // With several threads and shards the shards run side by side, each on its own kernels (threads / S of them, at
    // least one), as on a silo; taking turns on one thread is the reference.
    [Theory]
    [InlineData(2, 4)]
    [InlineData(4, 2)]
    [InlineData(3, 4)]
    public void ShardsSideBySideGiveTheBitsOfShardsTakingTurns(int threads, int shards) =>
        Assert.Equal(TrainAndHash(1, shards), TrainAndHash(threads, shards));

    // Without clipping the optimizer's chunks run beside the norm instead of after it (ParallelUpdate).
    [Fact]
    public void WithoutClippingOneAndThreeThreadsGiveBitIdenticalParameters()
    {
        var unclipped = TrainAndHash(1, clip: false);
        Assert.Equal(unclipped, TrainAndHash(3, clip: false));
        Assert.NotEqual(TrainAndHash(1), unclipped);
    }

    [Fact]
    public void SameJobAndSeedGiveBitIdenticalParameters() => Assert.Equal(TrainAndHash(2), TrainAndHash(2));

    [Fact]
    public void ModelFileRoundTripsParametersUnderPyTorchNames()
    {
        var folder = Directory.CreateTempSubdirectory("model");
        try
        {
            var setup = TrainingSetup.Load(JobSpecParser.Parse(Job, "determinism"), RepositoryPaths.Root);
            using var trainer = new Trainer(setup, 1);
            trainer.RunStep();
            var path = Path.Combine(folder.FullName, "model.safetensors");
            ModelFile.Write(path, setup, trainer.Layout, trainer.Parameters, trainer.Step);
            var model = setup.CreateModel(new Rnn.Kernels.Compute.CpuCompute(1));
            var parameters = ModelFile.ReadParameters(path, model.Layout);
            Assert.Equal(ParameterHash.Sha256(trainer.Layout, trainer.Parameters), ParameterHash.Sha256(model.Layout, parameters));
            var file = Rnn.Training.Safetensors.SafetensorsFile.Read(path);
            Assert.Equal([120, 28], file["weight_ih_l0"].Shape);
            Assert.Equal("1", file.Metadata["step"]);
        }
        finally
        {
            folder.Delete(true);
        }
    }
}
