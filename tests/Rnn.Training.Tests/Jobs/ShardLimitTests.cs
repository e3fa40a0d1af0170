using Rnn.Training.Jobs;

namespace Rnn.Training.Tests.Jobs;

public class ShardLimitTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1025)]
    public void ShardsOutsideOneTo1024AreRejectedNamingTheField(int shards)
    {
        var json = $$"""
            { "name": "x", "seed": 1, "data": { "kind": "mnist-rows", "path": "data/mnist" },
              "model": { "layers": [ { "type": "lstm", "units": 8 }, { "type": "dense", "units": 10 } ] },
              "loss": "sparse_categorical_crossentropy", "optimizer": { "type": "adam", "lr": 0.001 },
              "training": { "steps": 5, "batch_size": 2048, "shards": {{shards}} } }
            """;
        var error = Assert.Throws<JobValidationException>(() => JobSpecParser.Parse(json, "job.json"));
        var shardError = Assert.Single(error.Errors, e => e.Field == "training.shards");
        Assert.Equal($"expected an integer in 1..1024, got {shards}", shardError.Message);
    }
}
