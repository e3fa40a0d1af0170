using Rnn.Contracts.Grains;

namespace Rnn.Silo.Tests;

public sealed class JobValidationTests(SingleSiloFixture fixture) : IClassFixture<SingleSiloFixture>
{
    [Theory]
    [InlineData("\"shards\": 4", "\"shards\": 0", "training.shards")]
    [InlineData("\"seed\": 5", "\"seed\": 5, \"colour\": \"red\"", "colour")]
    [InlineData("\"units\": 16", "\"units\": -3", "model.layers[0].units")]
    [InlineData("\"steps\": 6", "\"steps\": 6, \"mode\": \"async\"", "training.mode")]
    [InlineData("\"seed\": 5", "\"seed\": 5, \"backend\": \"cuda\"", "backend")]
    public async Task InvalidJobIsRejectedWithAMessageNamingTheField(string from, string to, string field)
    {
        var json = TestJobs.Mnist(shards: 4, steps: 6).Replace(from, to, StringComparison.Ordinal);
        Assert.Contains(to, json, StringComparison.Ordinal);
        var result = await TestJobs.SubmitAsync(fixture.Client.GetGrain<IJobGrain>("invalid-" + field), json);
        Assert.False(result.Accepted);
        Assert.Contains(result.Errors, e => e.Field.Contains(field, StringComparison.Ordinal));
        Assert.Contains(field, result.Message, StringComparison.Ordinal);
        var status = await fixture.Client.GetGrain<IJobGrain>("invalid-" + field).GetStatusAsync();
        Assert.False(status.State is Contracts.Messages.JobState.Running or Contracts.Messages.JobState.Queued);
    }

    [Fact]
    public async Task MissingDataFolderIsRejectedBeforeAnythingStarts()
    {
        var json = TestJobs.Mnist(shards: 2, steps: 3).Replace("mnist\"", "no-such-mnist\"", StringComparison.Ordinal);
        var result = await TestJobs.SubmitAsync(fixture.Client.GetGrain<IJobGrain>("missing-data"), json);
        Assert.False(result.Accepted);
        Assert.Contains(result.Errors, e => e.Field == "data.path");
    }
}
