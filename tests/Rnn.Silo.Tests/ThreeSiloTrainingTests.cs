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
