using System.Text.Json;
using Rnn.Contracts.Messages;

namespace Rnn.Silo.Tests;

public sealed class NanPolicyTests(SingleSiloFixture fixture) : IClassFixture<SingleSiloFixture>
{
    // An SGD rate of 1e38 blows the parameters up in two steps; the gradient of step 2 is no longer finite.
    internal static string Job(string policy) => $$"""
        { "name": "nan", "seed": 1,
          "data": { "kind": "mnist-rows", "path": {{JsonSerializer.Serialize(TestJobs.MnistPath)}}, "limit": 128 },
          "model": { "layers": [ { "type": "simple_rnn", "units": 64 }, { "type": "dense", "units": 10 } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "sgd", "lr": 1e38 },
          "training": { "steps": 4, "batch_size": 32, "shards": 2, "nan_policy": "{{policy}}" } }
        """;

    [Fact]
    public async Task SkipStepNeverAppliesTheBadGradientAndEndsLikeTheTrainer()
    {
        var json = Job("skip_step");
        var status = await fixture.RunToEndAsync("nan-skip", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.True(status.SkippedSteps >= 1);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
    }

    [Fact]
    public async Task FailMarksTheJobFailedNamingShardAndStep()
    {
        var status = await fixture.RunToEndAsync("nan-fail", Job("fail"));
        Assert.Equal(JobState.Failed, status.State);
        Assert.Equal("the gradient of shard 0 at step 2 is not finite (NaN or Inf); training.nan_policy is 'fail'", status.FailureReason);
        Assert.Equal(2, status.Step);
    }
}
