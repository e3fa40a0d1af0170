using Rnn.Kernels.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Kernels.Training;

namespace Rnn.Kernels.Tests.Training;

public class TrainerDeterminismTests
{
    private const string Job = """
        { "name": "determinism", "seed": 11,
          "data": { "kind": "mnist-rows", "path": "data/mnist", "limit": 512 },
          "model": { "layers": [ { "type": "gru", "units": 40, "return_sequences": true }, { "type": "dropout", "rate": 0.2 },
                                 { "type": "lstm", "units": 24 }, { "type": "dense", "units": 10 } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "adam", "lr": 0.003, "clip_norm": 1.0 },
          "training": { "steps": 6, "batch_size": 32, "shards": 2 } }
        """;

    private static string TrainAndHash(int threads)
    {
        var setup = TrainingSetup.Load(JobSpecParser.Parse(Job, "determinism"), RepositoryPaths.Root);
        using var trainer = new Trainer(setup, threads);
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        return ParameterHash.Sha256(trainer.Layout, trainer.Parameters);
    }

    [Fact]
    public void OneAndTwoThreadsGiveBitIdenticalParameters() => Assert.Equal(TrainAndHash(1), TrainAndHash(2));

    [Fact]
    public void SameJobAndSeedGiveBitIdenticalParameters() => Assert.Equal(TrainAndHash(2), TrainAndHash(2));

    [Fact]
    public void RunFolderHoldsModelMetricsAndSummary()
    {
        var folder = Directory.CreateTempSubdirectory("run");
        try
        {
            var setup = TrainingSetup.Load(JobSpecParser.Parse(Job, "determinism"), RepositoryPaths.Root);
            var summary = TrainingRun.Execute(setup, folder.FullName, threads: 1);
            Assert.Equal(6, summary.Steps);
            Assert.InRange(summary.Test["accuracy"], 0.0, 1.0);
            var rows = File.ReadAllLines(Path.Combine(folder.FullName, "metrics.csv"));
            Assert.Equal(MetricsCsvWriter.Header, rows[0]);
            Assert.Equal(7, rows.Length);
            var reread = RunSummary.Read(Path.Combine(folder.FullName, "summary.json"));
            Assert.Equal(summary.ParametersSha256, reread.ParametersSha256);
            var model = setup.CreateModel(new Rnn.Kernels.Compute.CpuCompute(1));
            var parameters = ModelFile.ReadParameters(Path.Combine(folder.FullName, "model.safetensors"), model.Layout);
            Assert.Equal(summary.ParametersSha256, ParameterHash.Sha256(model.Layout, parameters));
        }
        finally
        {
            folder.Delete(true);
        }
    }
}
