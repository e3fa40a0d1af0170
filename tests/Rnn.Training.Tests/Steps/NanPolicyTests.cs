using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Steps;
using Rnn.Training.SingleProcess;

namespace Rnn.Training.Tests.Steps;

public class NanPolicyTests
{
    // An SGD rate of 1e38 blows the parameters up to ~1e37 in two steps; the gradient of step 2 is no longer finite.
    private static string Job(string policy) => $$"""
        { "name": "nan", "seed": 1,
          "data": { "kind": "mnist-rows", "path": "data/mnist", "limit": 128 },
          "model": { "layers": [ { "type": "simple_rnn", "units": 64 }, { "type": "dense", "units": 10 } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "sgd", "lr": 1e38 },
          "training": { "steps": 4, "batch_size": 32, "shards": 2, "nan_policy": "{{policy}}" } }
        """;

    [Fact]
    public void SkipStepLeavesParametersUntouchedAndNamesShardAndStep()
    {
        var setup = TrainingSetup.Load(JobSpecParser.Parse(Job("skip_step"), "nan"), RepositoryPaths.Root);
        using var trainer = new Trainer(setup);
        Assert.Null(trainer.RunStep().SkipReason);
        Assert.Null(trainer.RunStep().SkipReason);
        var before = ParameterHash.Sha256(trainer.Layout, trainer.Parameters);
        var skipped = trainer.RunStep();
        Assert.Equal("the gradient of shard 0 at step 2 is not finite (NaN or Inf); step skipped (training.nan_policy 'skip_step')", skipped.SkipReason);
        Assert.Equal(before, ParameterHash.Sha256(trainer.Layout, trainer.Parameters));
        Assert.Equal(3, trainer.Step);
    }

    [Fact]
    public void FailStopsWithShardAndStep()
    {
        var setup = TrainingSetup.Load(JobSpecParser.Parse(Job("fail"), "nan"), RepositoryPaths.Root);
        using var trainer = new Trainer(setup);
        trainer.RunStep();
        trainer.RunStep();
        var error = Assert.Throws<TrainingFailedException>(() => trainer.RunStep());
        Assert.Equal("the gradient of shard 0 at step 2 is not finite (NaN or Inf); training.nan_policy is 'fail'", error.Message);
    }
}
