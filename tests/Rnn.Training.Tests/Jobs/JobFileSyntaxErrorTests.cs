using System.Text.Json.Nodes;
using Rnn.Training.Jobs;

namespace Rnn.Training.Tests.Jobs;

/// <summary>Errors about the JSON itself: syntax, unknown keys, JSON types, missing fields.</summary>
public sealed class JobFileSyntaxErrorTests
{
    [Fact]
    public void Invalid_json_reports_the_one_based_line_and_position()
    {
        const string json = "{\n  \"name\": \"x\",\n  \"seed\": 7,,\n}";

        var error = Assert.Single(JobJson.Errors(json));

        Assert.Equal("$", error.Field);
        Assert.StartsWith("invalid JSON at line 3, position 13: ',' ", error.Message);
        Assert.EndsWith("; fix the syntax there", error.Message);
        Assert.DoesNotContain("LineNumber", error.Message);
    }

    [Fact]
    public void Empty_text_is_invalid_json()
    {
        var error = Assert.Single(JobJson.Errors(""));

        Assert.Contains("invalid JSON", error.Message);
    }

    [Fact]
    public void A_root_that_is_not_an_object_is_reported_with_what_was_found()
    {
        var error = Assert.Single(JobJson.Errors("[1, 2]"));

        Assert.Equal("$", error.Field);
        Assert.Equal("expected an object { ... }, got an array", error.Message);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_accepted_in_hand_written_files()
    {
        var json = JobJson.Mnist().ToJsonString().Replace("\"seed\":7,", "\"seed\":7, // fixed for reproducibility\n");
        json = json[..json.LastIndexOf('}')] + ",}";

        var spec = JobSpecParser.Parse(json, JobJson.Source);

        Assert.Equal(7UL, spec.Seed);
    }

    [Fact]
    public void An_unknown_key_is_an_error_with_a_did_you_mean_suggestion()
    {
        var job = JobJson.Mnist();
        var training = job["training"]!.AsObject();
        training.Remove("batch_size");
        training["batchSize"] = 64;

        var errors = JobJson.Errors(job);

        var unknown = Assert.Single(errors, e => e.Field == "training.batchSize");
        Assert.StartsWith("unknown key 'batchSize' in training; remove it or use one of epochs, steps, batch_size", unknown.Message);
        Assert.EndsWith("(did you mean 'batch_size'?)", unknown.Message);
        var missing = Assert.Single(errors, e => e.Field == "training.batch_size");
        Assert.Contains("required field is missing", missing.Message);
    }

    [Theory]
    [InlineData("epoch", "epochs")]
    [InlineData("batch", "batch_size")]
    [InlineData("checkpoint-every", "checkpoint_every")]
    [InlineData("nan_polcy", "nan_policy")]
    public void Misspelt_training_keys_get_the_nearest_real_key_suggested(string typo, string suggestion)
    {
        var job = JobJson.Mnist();
        job["training"]!.AsObject()[typo] = 1;

        var error = Assert.Single(JobJson.Errors(job), e => e.Field == $"training.{typo}");

        Assert.EndsWith($"(did you mean '{suggestion}'?)", error.Message);
    }

    [Fact]
    public void An_unknown_key_far_from_every_real_key_gets_no_guess()
    {
        var job = JobJson.Mnist();
        job["colour"] = "blue";

        var error = JobJson.SingleError(job, "colour");

        Assert.Equal(
            "unknown key 'colour' in the job file; remove it or use one of name, seed, data, model, loss, metrics, optimizer, training, backend, init_from",
            error.Message);
    }

    [Fact]
    public void A_key_of_another_layer_type_is_reported_as_not_applying_to_this_one()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 1)["rate"] = 0.5;

        var error = JobJson.SingleError(job, "model.layers[1].rate");

        Assert.Equal("'rate' does not apply to lstm layers; remove it", error.Message);
    }

    [Fact]
    public void A_key_of_the_other_optimizer_is_reported_as_not_applying()
    {
        var job = JobJson.Mnist();
        job["optimizer"]!["momentum"] = 0.9;

        var error = JobJson.SingleError(job, "optimizer.momentum");

        Assert.Equal("'momentum' does not apply to the adam optimizer; remove it", error.Message);
    }

    [Fact]
    public void A_number_written_as_a_string_is_a_type_error_showing_the_value_and_its_type()
    {
        var job = JobJson.Mnist();
        job["training"]!["epochs"] = "5";

        var error = JobJson.SingleError(job, "training.epochs");

        Assert.Equal("expected a positive integer, got \"5\" (a string)", error.Message);
    }

    [Theory]
    [InlineData("return_sequences", "\"yes\"", "expected true or false, got \"yes\" (a string)")]
    [InlineData("units", "12.5", "expected an integer in 1..65536, got 12.5")]
    [InlineData("units", "0", "expected an integer in 1..65536, got 0")]
    [InlineData("units", "70000", "expected an integer in 1..65536, got 70000")]
    [InlineData("units", "null", "expected an integer in 1..65536, got null")]
    public void Wrong_layer_values_say_what_was_expected_and_found(string key, string jsonValue, string message)
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 0)[key] = JsonNode.Parse(jsonValue);

        var error = JobJson.SingleError(job, $"model.layers[0].{key}");

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_whole_number_written_with_a_fraction_part_is_accepted()
    {
        var job = JobJson.Mnist();
        job["training"]!["epochs"] = JsonNode.Parse("5.0");

        Assert.Equal(5, JobJson.ParseValid(job).Training.Epochs);
    }

    [Fact]
    public void A_section_of_the_wrong_json_type_is_reported_once()
    {
        var job = JobJson.Mnist();
        job["optimizer"] = "adam";

        var error = JobJson.SingleError(job, "optimizer");

        Assert.Equal("expected an object { ... }, got \"adam\" (a string)", error.Message);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("seed")]
    [InlineData("loss")]
    [InlineData("data")]
    [InlineData("model")]
    [InlineData("optimizer")]
    [InlineData("training")]
    public void A_missing_required_top_level_field_is_named(string field)
    {
        var job = JobJson.Mnist();
        job.Remove(field);

        var error = JobJson.SingleError(job, field);

        Assert.StartsWith($"required field is missing; add \"{field}\"", error.Message);
    }

    [Theory]
    [InlineData("data", "kind")]
    [InlineData("data", "path")]
    [InlineData("optimizer", "type")]
    [InlineData("optimizer", "lr")]
    [InlineData("training", "batch_size")]
    public void A_missing_required_nested_field_is_named_by_its_path(string section, string key)
    {
        var job = JobJson.Mnist();
        job[section]!.AsObject().Remove(key);

        var errors = JobJson.Errors(job);

        Assert.Contains(errors, e => e.Field == $"{section}.{key}" && e.Message.StartsWith("required field is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_layer_type_is_named_by_the_layer_index()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 1).Remove("type");

        var error = JobJson.SingleError(job, "model.layers[1].type");

        Assert.StartsWith("required field is missing; add \"type\" (one of simple_rnn, lstm, gru, dense, embedding, dropout)", error.Message);
    }

    [Fact]
    public void A_key_given_twice_in_one_object_is_an_error()
    {
        var json = JobJson.Mnist().ToJsonString().Replace("\"seed\":7", "\"seed\":7,\"seed\":8");

        var error = Assert.Single(JobJson.Errors(json));

        Assert.Equal("seed", error.Field);
        Assert.Contains("appears more than once", error.Message);
    }
}
