using System.Text.Json.Nodes;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Training.Jobs;
using Rnn.Training.Steps;

namespace Rnn.Training.Tests.Jobs;

/// <summary>"bidirectional" and "merge_mode" on recurrent layers: values, errors, and the widths that follow.</summary>
public sealed class BidirectionalLayerTests
{
    private static JsonObject BidirectionalMnist(string? mergeMode = null)
    {
        var job = JobJson.Mnist();
        var layer = JobJson.Layer(job, 0);
        layer["bidirectional"] = true;
        if (mergeMode is not null) layer["merge_mode"] = mergeMode;
        return job;
    }

    [Fact]
    public void A_recurrent_layer_runs_forward_only_unless_the_job_says_bidirectional()
    {
        var layers = JobJson.ParseValid(JobJson.Mnist()).Model.Layers;

        Assert.All(layers, l => Assert.False(l.Bidirectional));
        Assert.All(layers, l => Assert.Equal(BidirectionalMerge.Concat, l.Merge));
    }

    [Fact]
    public void Bidirectional_without_merge_mode_concatenates_the_two_directions()
    {
        var layer = JobJson.ParseValid(BidirectionalMnist()).Model.Layers[0];

        Assert.True(layer.Bidirectional);
        Assert.Equal(BidirectionalMerge.Concat, layer.Merge);
    }

    [Theory]
    [InlineData("concat", BidirectionalMerge.Concat)]
    [InlineData("sum", BidirectionalMerge.Sum)]
    [InlineData("mul", BidirectionalMerge.Multiply)]
    [InlineData("ave", BidirectionalMerge.Average)]
    public void Merge_mode_takes_the_keras_names(string name, BidirectionalMerge expected)
    {
        var layer = JobJson.ParseValid(BidirectionalMnist(name)).Model.Layers[0];

        Assert.Equal(expected, layer.Merge);
    }

    [Fact]
    public void Merge_mode_on_a_forward_only_layer_is_an_error_naming_the_field()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 1)["merge_mode"] = "sum";

        var error = JobJson.SingleError(job, "model.layers[1].merge_mode");

        Assert.Equal("merge_mode joins the two directions of a bidirectional layer, but layer 1 runs forward only; " +
            "add \"bidirectional\": true or remove \"merge_mode\"", error.Message);
    }

    [Fact]
    public void Merge_mode_with_bidirectional_false_is_the_same_error()
    {
        var job = BidirectionalMnist("ave");
        JobJson.Layer(job, 0)["bidirectional"] = false;

        JobJson.SingleError(job, "model.layers[0].merge_mode");
    }

    [Fact]
    public void A_misspelt_merge_mode_gets_a_suggestion()
    {
        var error = JobJson.SingleError(BidirectionalMnist("avg"), "model.layers[0].merge_mode");

        Assert.Equal("unknown merge mode 'avg'; use one of concat, sum, mul, ave (did you mean 'ave'?)", error.Message);
    }

    [Fact]
    public void A_misspelt_bidirectional_key_gets_a_suggestion()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 0)["bidirectionnal"] = true;

        var error = JobJson.SingleError(job, "model.layers[0].bidirectionnal");

        Assert.EndsWith("(did you mean 'bidirectional'?)", error.Message);
    }

    [Fact]
    public void Bidirectional_must_be_a_boolean()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 0)["bidirectional"] = "true";

        var error = JobJson.SingleError(job, "model.layers[0].bidirectional");

        Assert.Equal("expected true or false, got \"true\" (a string)", error.Message);
    }

    [Fact]
    public void Bidirectional_on_a_dense_layer_does_not_apply()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 2)["bidirectional"] = true;

        var error = JobJson.SingleError(job, "model.layers[2].bidirectional");

        Assert.Equal("'bidirectional' does not apply to dense layers; remove it", error.Message);
    }

    [Fact]
    public void Bidirectional_on_text_data_with_carried_state_is_refused_naming_the_field()
    {
        var job = JobJson.Text();
        JobJson.Layer(job, 1)["bidirectional"] = true;

        var error = JobJson.SingleError(job, "model.layers[1].bidirectional");

        Assert.Equal("text data carries each stream's hidden state from one window to the next, and a reverse pass " +
            "cannot carry state forward in time; remove \"bidirectional\" (or set it to false)", error.Message);
    }

    [Theory]
    [InlineData("concat", 2 * 128)]
    [InlineData("sum", 128)]
    [InlineData("mul", 128)]
    [InlineData("ave", 128)]
    public void The_next_layer_reads_the_merged_width_and_the_reverse_weights_have_pytorchs_names(string mergeMode, int width)
    {
        // mnist: bidirectional lstm 128 (sequences) → lstm 64 → dense 10.
        var spec = JobJson.ParseValid(BidirectionalMnist(mergeMode));
        using var compute = new CpuCompute(1);

        var layout = TrainingSetup.BuildModel(ResolvedLayer.From(spec.Model), inputSize: 28, tokenInput: false, compute).Layout;

        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
             "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
             "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "dense.weight", "dense.bias"],
            layout.Views.Select(v => v.Name));
        Assert.Equal([4 * 128, 28], layout["weight_ih_l0_reverse"].Shape);
        Assert.Equal([4 * 64, width], layout["weight_ih_l1"].Shape);
    }

    [Fact]
    public void A_bidirectional_last_layer_hands_the_dense_head_its_merged_width()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 1)["bidirectional"] = true;
        var spec = JobJson.ParseValid(job);
        using var compute = new CpuCompute(1);

        var layout = TrainingSetup.BuildModel(ResolvedLayer.From(spec.Model), inputSize: 28, tokenInput: false, compute).Layout;

        Assert.Equal([10, 2 * 64], layout["dense.weight"].Shape);
        Assert.True(layout.Contains("bias_hh_l1_reverse"));
    }
}
