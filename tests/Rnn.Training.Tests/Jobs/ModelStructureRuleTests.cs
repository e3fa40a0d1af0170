using System.Text.Json.Nodes;

namespace Rnn.Training.Tests.Jobs;

/// <summary>Rules across layers, and between the model, the data kind and the loss.</summary>
public sealed class ModelStructureRuleTests
{
    private static void SetLayers(JsonObject job, string layersJson) => job["model"]!["layers"] = JsonNode.Parse(layersJson);

    [Fact]
    public void A_recurrent_layer_feeding_another_without_return_sequences_is_an_error_on_the_feeder()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 0).Remove("return_sequences");

        var error = JobJson.SingleError(job, "model.layers[0].return_sequences");

        Assert.Equal(
            "layer 0 (lstm) feeds recurrent layer 1 (lstm), which needs a sequence; set \"return_sequences\": true on layer 0",
            error.Message);
    }

    [Fact]
    public void Dropout_between_recurrent_layers_does_not_hide_the_missing_return_sequences()
    {
        var job = JobJson.Mnist();
        SetLayers(job, """
            [ { "type": "gru", "units": 32 }, { "type": "dropout", "rate": 0.1 }, { "type": "gru", "units": 32 },
              { "type": "dense", "units": 10 } ]
            """);

        JobJson.SingleError(job, "model.layers[0].return_sequences");
    }

    [Fact]
    public void Dropout_between_recurrent_layers_with_return_sequences_is_allowed()
    {
        var job = JobJson.Mnist();
        SetLayers(job, """
            [ { "type": "gru", "units": 32, "return_sequences": true }, { "type": "dropout", "rate": 0.1 },
              { "type": "gru", "units": 32 }, { "type": "dropout", "rate": 0 }, { "type": "dense", "units": 10 } ]
            """);

        Assert.Equal(5, JobJson.ParseValid(job).Model.Layers.Count);
    }

    [Fact]
    public void Mnist_rows_needs_the_last_recurrent_layer_to_return_only_its_final_output()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 1)["return_sequences"] = true;

        var error = JobJson.SingleError(job, "model.layers[1].return_sequences");

        Assert.StartsWith("with mnist-rows data the model makes one prediction per sequence", error.Message);
    }

    [Fact]
    public void Text_needs_the_last_recurrent_layer_to_return_its_whole_sequence()
    {
        var job = JobJson.Text();
        JobJson.Layer(job, 1).Remove("return_sequences");

        var error = JobJson.SingleError(job, "model.layers[1].return_sequences");

        Assert.StartsWith("a text model predicts the next character at every step", error.Message);
    }

    [Fact]
    public void An_embedding_that_is_not_the_first_layer_is_an_error()
    {
        var job = JobJson.Text();
        SetLayers(job, """
            [ { "type": "embedding", "units": 64 }, { "type": "lstm", "units": 64, "return_sequences": true },
              { "type": "embedding", "units": 8 }, { "type": "dense", "units": "vocab" } ]
            """);

        var errors = JobJson.Errors(job);

        var error = Assert.Single(errors, e => e.Field == "model.layers[2].type");
        Assert.Equal("an embedding layer must be the first layer; move it to model.layers[0]", error.Message);
    }

    [Fact]
    public void An_embedding_on_non_text_data_is_an_error()
    {
        var job = JobJson.Mnist();
        JobJson.Layers(job).Insert(0, JsonNode.Parse("""{ "type": "embedding", "units": 16 }"""));

        var error = JobJson.SingleError(job, "model.layers[0].type");

        Assert.Contains("needs text, text_column or numpy token data, but data.kind is 'mnist-rows'; remove this layer", error.Message);
    }

    [Fact]
    public void A_text_model_must_start_with_an_embedding()
    {
        var job = JobJson.Text();
        JobJson.Layers(job).RemoveAt(0);

        var error = JobJson.SingleError(job, "model.layers[0].type");

        Assert.StartsWith("a text model must start with an embedding layer", error.Message);
    }

    [Fact]
    public void The_last_layer_must_be_dense()
    {
        var job = JobJson.Mnist();
        JobJson.Layers(job).RemoveAt(2);
        JobJson.Layer(job, 1)["units"] = 10;

        var error = JobJson.SingleError(job, "model.layers[1].type");

        Assert.StartsWith("the last layer must be dense (the output head), got 'lstm'", error.Message);
    }

    [Fact]
    public void Mnist_needs_a_ten_unit_output_layer()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 2)["units"] = 12;

        var error = JobJson.SingleError(job, "model.layers[2].units");

        Assert.Equal("mnist-rows has 10 classes, so the output layer needs \"units\": 10; got 12", error.Message);
    }

    [Fact]
    public void A_csv_output_layer_must_have_horizon_units()
    {
        var job = JobJson.Csv();
        job["data"]!["horizon"] = 6;

        var error = JobJson.SingleError(job, "model.layers[1].units");

        Assert.Equal("the output layer predicts data.horizon = 6 value(s), so it needs \"units\": 6; got 1", error.Message);
    }

    [Fact]
    public void A_text_output_layer_must_use_the_vocabulary_size()
    {
        var job = JobJson.Text();
        JobJson.Layer(job, 2)["units"] = 65;

        var error = JobJson.SingleError(job, "model.layers[2].units");

        Assert.StartsWith("the output layer of a text model scores every character, so it needs \"units\": \"vocab\"", error.Message);
    }

    [Fact]
    public void Vocab_units_outside_text_data_are_an_error()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 2)["units"] = "vocab";

        var error = JobJson.SingleError(job, "model.layers[2].units");

        Assert.StartsWith("\"vocab\" means the vocabulary size of text data, but data.kind is 'mnist-rows'", error.Message);
    }

    [Fact]
    public void Dropout_cannot_be_the_first_layer()
    {
        var job = JobJson.Mnist();
        JobJson.Layers(job).Insert(0, JsonNode.Parse("""{ "type": "dropout", "rate": 0.2 }"""));

        var error = JobJson.SingleError(job, "model.layers[0].type");

        Assert.StartsWith("dropout cannot be the first layer", error.Message);
    }

    [Fact]
    public void Dense_layers_before_the_last_recurrent_layer_are_an_error()
    {
        var job = JobJson.Mnist();
        JobJson.Layers(job).Insert(1, JsonNode.Parse("""{ "type": "dense", "units": 32 }"""));

        var error = JobJson.SingleError(job, "model.layers[1].type");

        Assert.StartsWith("dense layer 1 comes before recurrent layer 2", error.Message);
    }

    [Fact]
    public void A_model_without_a_recurrent_layer_is_an_error()
    {
        var job = JobJson.Mnist();
        SetLayers(job, """[ { "type": "dense", "units": 10 } ]""");

        var error = JobJson.SingleError(job, "model.layers");

        Assert.StartsWith("has no recurrent layer", error.Message);
    }

    [Fact]
    public void An_empty_layer_list_is_an_error()
    {
        var job = JobJson.Mnist();
        SetLayers(job, "[]");

        Assert.StartsWith("is empty", JobJson.SingleError(job, "model.layers").Message);
    }

    [Fact]
    public void Softmax_is_only_for_the_output_layer()
    {
        var job = JobJson.Mnist();
        JobJson.Layers(job).Insert(2, JsonNode.Parse("""{ "type": "dense", "units": 32, "activation": "softmax" }"""));

        var error = JobJson.SingleError(job, "model.layers[2].activation");

        Assert.Equal("softmax is only for the output layer (layer 3); use \"linear\" on layer 2", error.Message);
    }

    [Fact]
    public void Cross_entropy_on_csv_data_is_a_loss_data_mismatch()
    {
        var job = JobJson.Csv();
        job["loss"] = "sparse_categorical_crossentropy";

        var error = JobJson.SingleError(job, "loss");

        Assert.Equal(
            "'sparse_categorical_crossentropy' does not fit csv data, which is regression (forecasting numbers); use \"mse\"",
            error.Message);
    }

    [Fact]
    public void Mse_on_mnist_data_is_a_loss_data_mismatch_and_accuracy_no_longer_applies()
    {
        var job = JobJson.Mnist();
        job["loss"] = "mse";
        JobJson.Layer(job, 2)["activation"] = "linear";

        var errors = JobJson.Errors(job);

        Assert.Collection(errors,
            e => Assert.Equal(("loss", "'mse' does not fit mnist-rows data, which is classification (predicting a digit class); use \"sparse_categorical_crossentropy\""), (e.Field, e.Message)),
            e => Assert.Equal(("metrics[0]", "'accuracy' needs a classification loss (sparse_categorical_crossentropy), but loss is 'mse'; remove it"), (e.Field, e.Message)));
    }

    [Fact]
    public void A_softmax_output_with_mse_is_an_error()
    {
        var job = JobJson.Csv();
        JobJson.Layer(job, 1)["activation"] = "softmax";

        var error = JobJson.SingleError(job, "model.layers[1].activation");

        Assert.Contains("does not fit mse regression", error.Message);
    }

    [Fact]
    public void Several_errors_in_different_sections_are_all_reported_in_file_order()
    {
        var job = JobJson.Mnist();
        job["seed"] = "7";
        job["data"]!["path"] = 5;
        JobJson.Layer(job, 0).Remove("return_sequences");
        JobJson.Layer(job, 1)["units"] = 0;
        JobJson.Layer(job, 2)["units"] = 11;
        job["optimizer"]!["lr"] = -1;
        job["training"]!["shards"] = 5;
        job["training"]!["steps"] = 10;
        job["extra"] = true;

        var errors = JobJson.Errors(job);

        Assert.Equal(
            [
                "seed", "data.path", "model.layers[1].units", "optimizer.lr", "training", "training.batch_size", "extra",
                "model.layers[0].return_sequences", "model.layers[2].units",
            ],
            errors.Select(e => e.Field));
    }

    [Fact]
    public void An_unknown_layer_type_skips_the_order_rules_instead_of_piling_on_guesses()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 2)["type"] = "dens";

        var error = JobJson.SingleError(job, "model.layers[2].type");

        Assert.EndsWith("(did you mean 'dense'?)", error.Message);
    }
}
