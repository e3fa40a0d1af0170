using Rnn.Training.Jobs;

namespace Rnn.Training.Tests.Jobs;

/// <summary>The data fields of the sequence kinds: what parses, and the field each mistake is reported on.</summary>
public sealed class SequenceDataSectionTests
{
    private static string Job(string data, string output = "{ \"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\" }",
        string loss = "sparse_categorical_crossentropy", string recurrent = "{ \"type\": \"gru\", \"units\": 8 }") => $$"""
        { "name": "t", "seed": 1, "data": {{data}},
          "model": { "layers": [ {{recurrent}}, {{output}} ] },
          "loss": "{{loss}}", "optimizer": { "type": "adam", "lr": 0.01 }, "training": { "steps": 2, "batch_size": 4 } }
        """;

    private static JobValidationError SingleError(string json) =>
        Assert.Single(Assert.Throws<JobValidationException>(() => JobSpecParser.Parse(json, "t.json")).Errors);

    [Fact]
    public void A_table_reads_its_columns_target_and_defaults()
    {
        var spec = JobSpecParser.Parse(Job("""
            { "kind": "table", "path": "s.parquet", "sequence": "id", "order": "t", "features": ["a", "b"],
              "target_column": "label", "target": "class" }
            """), "t.json");

        Assert.Equal(("id", "t"), (spec.Data.SequenceColumn, spec.Data.OrderColumn));
        Assert.Equal(["a", "b"], spec.Data.FeatureColumns);
        Assert.Equal(["label"], spec.Data.TargetColumns);
        Assert.Equal((0.2, 0.0, false, DataNormalizations.None), (spec.Data.TestFraction!.Value, spec.Data.ValidationFraction!.Value,
            spec.Data.Shuffle!.Value, spec.Data.Normalize));
        Assert.True(spec.Model.Layers[^1].UnitsFromClasses);
    }

    [Fact]
    public void A_numpy_npy_path_needs_y()
    {
        var error = SingleError(Job("""{ "kind": "numpy", "path": "d/x.npy", "target": "class" }"""));

        Assert.Equal("data.y", error.Field);
        Assert.Contains("an .npy path holds x only", error.Message);
    }

    [Fact]
    public void A_numpy_path_must_be_npz_or_npy()
    {
        var error = SingleError(Job("""{ "kind": "numpy", "path": "d/x.csv", "target": "class" }"""));

        Assert.Equal("data.path", error.Field);
    }

    [Fact]
    public void Class_units_on_a_values_target_name_the_layer()
    {
        var error = SingleError(Job("""{ "kind": "numpy", "path": "d.npz", "target": "values" }""",
            output: "{ \"type\": \"dense\", \"units\": \"classes\" }", loss: "mse"));

        Assert.Equal("model.layers[1].units", error.Field);
        Assert.Contains("number of training classes of a class target", error.Message);
    }

    [Fact]
    public void A_loss_that_does_not_fit_the_target_is_named()
    {
        var error = SingleError(Job("""{ "kind": "numpy", "path": "d.npz", "target": "class" }""", loss: "mse",
            output: "{ \"type\": \"dense\", \"units\": 3 }"));

        Assert.Equal("loss", error.Field);
        Assert.Contains("use \"sparse_categorical_crossentropy\"", error.Message);
    }

    [Fact]
    public void A_per_step_target_needs_the_whole_sequence_from_the_last_recurrent_layer()
    {
        var error = SingleError(Job("""{ "kind": "numpy", "path": "d.npz", "target": "class_per_step" }"""));

        Assert.Equal("model.layers[0].return_sequences", error.Field);
    }

    [Fact]
    public void Difference_is_read_on_a_series_and_refused_elsewhere()
    {
        var spec = JobSpecParser.Parse(Job("""
            { "kind": "series", "path": "c.csv", "features": ["CO2"], "target_columns": ["CO2"], "target": "values", "window": 24,
              "difference": true }
            """, "{ \"type\": \"dense\", \"units\": 1 }", "mse"), "t.json");
        Assert.True(spec.Data.Difference);

        var error = SingleError(Job("""{ "kind": "numpy", "path": "d.npz", "target": "class", "difference": true }"""));
        Assert.Equal("data.difference", error.Field);
        Assert.Contains("does not apply to numpy data", error.Message);
    }

    [Fact]
    public void A_series_is_chronological_so_shuffle_does_not_apply()
    {
        var error = SingleError(Job("""
            { "kind": "series", "path": "w.csv", "features": ["t"], "target_columns": ["w"], "target": "class", "window": 7,
              "shuffle": true }
            """));

        Assert.Equal("data.shuffle", error.Field);
        Assert.Contains("does not apply to series data", error.Message);
    }

    [Fact]
    public void Fractions_that_leave_nothing_to_train_on_are_refused()
    {
        var error = SingleError(Job("""
            { "kind": "text_column", "path": "w.csv", "text": "word", "target_column": "lang", "test_fraction": 0.6,
              "validation_fraction": 0.4 }
            """, recurrent: "{ \"type\": \"embedding\", \"units\": 8 }, { \"type\": \"gru\", \"units\": 8 }"));

        Assert.Equal("data.validation_fraction", error.Field);
    }

    [Fact]
    public void A_test_fraction_and_a_test_path_together_are_refused()
    {
        var error = SingleError(Job("""
            { "kind": "table", "path": "a.csv", "test_path": "b.csv", "test_fraction": 0.2, "sequence": "id",
              "features": ["x"], "target_column": "y", "target": "class" }
            """));

        Assert.Equal("data.test_fraction", error.Field);
    }

    [Fact]
    public void Text_column_data_must_start_with_an_embedding()
    {
        var error = SingleError(Job("""{ "kind": "text_column", "path": "w.csv", "text": "word", "target_column": "lang" }"""));

        Assert.Equal("model.layers[0].type", error.Field);
    }
}
