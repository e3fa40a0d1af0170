using Rnn.Contracts.Messages;

namespace Rnn.Silo.Tests;

public sealed class ThreeSiloTrainingTests(ThreeSiloFixture fixture) : IClassFixture<ThreeSiloFixture>
{
    [Fact]
    public async Task JobOnThreeSilosEndsWithTheSingleProcessTrainersParameters()
    {
        var json = TestJobs.Mnist(shards: 4, steps: 6);
        var status = await fixture.RunToEndAsync("three-silos-gru", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(6, status.Step);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
        var silos = status.LastMetrics!.Shards.Select(s => s.Silo).Distinct().ToArray();
        Assert.True(silos.Length > 1, "all shards ran on " + string.Join(", ", silos));
    }

    [Fact]
    public async Task NumpyJobWithOwnedPartitionsOnThreeSilosEndsWithTheTrainersParameters()
    {
        var json = TestJobs.Numpy(shards: 3, steps: 8, name: "three-silos-numpy");
        var status = await fixture.RunToEndAsync("three-silos-numpy", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
    }

    [Fact]
    public async Task NpyJobOnThreeSilosReadsOnlyEachShardsPartitionWhereTheShardRuns()
    {
        var json = TestJobs.Npy(shards: 3, steps: 6, name: "three-silos-npy");
        var status = await fixture.RunToEndAsync("three-silos-npy", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);

        // Each shard's partition was read once, on the silo that ran the shard, and holds only its rows (24 of 72).
        var reads = TestJobs.PartitionReads(fixture.Cluster, "three-silos-npy", json);
        Assert.Equal([0, 1, 2], reads.Select(r => r.Read.Shard).Order());
        Assert.All(reads, r => Assert.Equal(24, r.Read.Rows));
        var ranOn = status.LastMetrics!.Shards.ToDictionary(s => s.Shard, s => s.Silo);
        Assert.All(reads, r => Assert.Equal(ranOn[r.Read.Shard], r.Silo));
        Assert.True(reads.Select(r => r.Silo).Distinct().Count() > 1, "every partition was read on one silo");
    }

    [Fact]
    public async Task LongTableJobOnThreeSilosReadsOnlyEachShardsSessionsWhereTheShardRuns()
    {
        var json = TestJobs.LongTable(shards: 3, steps: 6, name: "three-silos-table");
        var status = await fixture.RunToEndAsync("three-silos-table", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);

        // 60 sessions less 20% test and 10% validation: 42 training sessions, 14 per shard.
        var reads = TestJobs.PartitionReads(fixture.Cluster, "three-silos-table", json);
        Assert.Equal([0, 1, 2], reads.Select(r => r.Read.Shard).Order());
        Assert.All(reads, r => Assert.Equal(14, r.Read.Rows));
        var ranOn = status.LastMetrics!.Shards.ToDictionary(s => s.Shard, s => s.Silo);
        Assert.All(reads, r => Assert.Equal(ranOn[r.Read.Shard], r.Silo));
    }

    [Fact]
    public async Task BidirectionalSumJobOnThreeSilosEndsWithTheSingleProcessTrainersParameters()
    {
        var json = TestJobs.Mnist(shards: 4, steps: 3, name: "three-silos-bidirectional",
            recurrentOptions: TestJobs.Bidirectional("sum"));
        var status = await fixture.RunToEndAsync("three-silos-bidirectional", json);
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        Assert.Equal(3, status.Step);
        Assert.Equal(TestJobs.TrainerHash(json), status.ParametersSha256);
    }

    [Fact]
    public async Task EarlyStoppingEndsAtTheTrainersStepWithItsParametersAndBestModel()
    {
        await EarlyStoppingAssert.MatchesTrainerAsync(fixture.RunToEndAsync, "three-silos-early-stop", shards: 4);
    }
}
