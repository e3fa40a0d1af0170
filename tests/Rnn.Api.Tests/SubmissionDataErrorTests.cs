using Grpc.Core;
using Rnn.Api.Tests.Support;
using Rnn.Contracts.Api.V1;
using static Rnn.Api.Tests.AuthenticationAndTenancyTests;
using static Rnn.Api.Tests.DataConfinementTests;

namespace Rnn.Api.Tests;

/// <summary>
/// Data that cannot make a job is refused at submission with the file (as the job wrote it), the field and the fix,
/// instead of failing in training (issue 24 item 2).
/// </summary>
[Collection(ConfinedSiloCollection.Name)]
public sealed class SubmissionDataErrorTests(ConfinedSiloFixture silo)
{
    [Fact]
    public async Task A_series_too_short_for_window_and_horizon_after_the_test_split_names_the_file_field_and_sizes()
    {
        var job = $$"""
            { "name": "short-csv", "seed": 1, "data": { "kind": "csv", "path": "short.csv", "column": "v", "window": 8, "horizon": 1 },
              "model": { "layers": [ { "type": "gru", "units": 4 }, { "type": "dense", "units": 1 } ] },
              "loss": "mse", "optimizer": { "type": "adam", "lr": 0.01 }, "training": { "steps": 2, "batch_size": 2, "shards": 1 } }
            """;
        Assert.Equal(
            "data.window: short.csv: column 'v' has 10 values; test_fraction 0.2 leaves 8 for training and 2 for test, but one sample " +
            "needs window 8 + horizon 1 = 9 training values and 1 test values; lower data.window or data.horizon, change " +
            "data.test_fraction or use a longer series",
            await Refused(job));
    }

    [Fact]
    public async Task A_text_whose_test_split_is_shorter_than_one_window_names_test_fraction()
    {
        Assert.Equal(
            "data.test_fraction: short-test.txt: test_fraction 0.02 of 200 characters leaves 4 for the test split, fewer than one " +
            "window of 8 plus one; raise data.test_fraction, lower data.window or use a longer text",
            await Refused(TextAt("short-text", "short-test.txt", ", \"test_fraction\": 0.02")));
    }

    [Fact]
    public async Task A_path_of_the_wrong_kind_says_which_kind_it_is()
    {
        Assert.Equal("data.path: text data file 'mnist' is a folder; text data is one file: fix data.path",
            await Refused(TextAt("wrong-kind-text", "mnist")));
        Assert.Equal("data.path: mnist-rows data folder 'short.csv' is a file; mnist-rows data is a folder (train-images-idx3-ubyte, ...): fix data.path",
            await Refused(MnistAt("wrong-kind-mnist", "short.csv")));
    }

    private async Task<string> Refused(string jobJson)
    {
        var e = await AssertStatus(StatusCode.InvalidArgument,
            silo.Client.SubmitJobAsync(new SubmitJobRequest { JobJson = jobJson }, ApiServerFixture.Auth(Tenants.AlphaToken)).ResponseAsync);
        return e.Status.Detail;
    }
}
