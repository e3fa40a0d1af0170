using System.Text.Json.Nodes;
using Rnn.Training.Jobs;
using Rnn.Kernels.Backends;

namespace Rnn.Training.Tests.Jobs;

/// <summary>Values inside one section: enums, ranges, defaults, and the rules between fields of a section.</summary>
public sealed class JobFieldValueTests
{
    [Fact]
    public void An_unknown_layer_type_lists_the_valid_types_and_suggests_the_nearest()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 1)["type"] = "lstmm";

        var error = JobJson.SingleError(job, "model.layers[1].type");

        Assert.Equal(
            "unknown layer type 'lstmm'; use one of simple_rnn, lstm, gru, dense, embedding, dropout (did you mean 'lstm'?)",
            error.Message);
    }

    [Theory]
    [InlineData("loss", "categorical_crossentropy", "unknown loss 'categorical_crossentropy'; use one of sparse_categorical_crossentropy, mse (did you mean 'sparse_categorical_crossentropy'?)")]
    [InlineData("backend", "CUDA", "unknown backend 'CUDA'; use one of auto, cpu, ilgpu-cpu, cuda (did you mean 'cuda'?)")]
    [InlineData("backend", "gpu", "unknown backend 'gpu'; use one of auto, cpu, ilgpu-cpu, cuda (did you mean 'cpu'?)")]
    public void A_bad_top_level_enum_value_lists_the_choices(string field, string value, string message)
    {
        var job = JobJson.Mnist();
        job[field] = value;

        Assert.Equal(message, JobJson.SingleError(job, field).Message);
    }

    [Theory]
    [InlineData("data", "kind", "mnist", "unknown data kind 'mnist'; use one of mnist-rows, text, csv, numpy, table, series, text_column (did you mean 'mnist-rows'?)")]
    [InlineData("optimizer", "type", "adamw", "unknown optimizer 'adamw'; use one of adam, sgd (did you mean 'adam'?)")]
    [InlineData("training", "nan_policy", "skip", "unknown nan policy 'skip'; use one of skip_step, fail (did you mean 'skip_step'?)")]
    [InlineData("training", "mode", "synchronous", "unknown training mode 'synchronous'; the only mode is \"sync\" (every step waits for all shards, so results are deterministic) — remove \"mode\" or set it to \"sync\" (did you mean 'sync'?)")]
    public void A_bad_nested_enum_value_lists_the_choices(string section, string key, string value, string message)
    {
        var job = JobJson.Mnist();
        job[section]![key] = value;

        Assert.Equal(message, JobJson.SingleError(job, $"{section}.{key}").Message);
    }

    [Fact]
    public void A_bad_dense_activation_lists_linear_and_softmax()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 2)["activation"] = "relu";

        var error = JobJson.SingleError(job, "model.layers[2].activation");

        Assert.Equal("unknown dense activation 'relu'; use one of linear, softmax", error.Message);
    }

    [Fact]
    public void A_recurrent_activation_other_than_tanh_is_an_error()
    {
        var job = JobJson.Mnist();
        JobJson.Layer(job, 0)["activation"] = "relu";

        var error = JobJson.SingleError(job, "model.layers[0].activation");

        Assert.Equal("lstm layers support only 'tanh', got 'relu'; remove \"activation\" or set it to \"tanh\"", error.Message);
    }

    [Fact]
    public void Batch_size_not_divisible_by_shards_names_both_values_and_nearby_fixes()
    {
        var job = JobJson.Mnist();
        job["training"]!["shards"] = 3;

        var error = JobJson.SingleError(job, "training.batch_size");

        Assert.Equal(
            "batch_size 64 is not divisible by shards 3 (each shard computes batch_size / shards samples); " +
            "use a batch_size that is a multiple of 3 (e.g. 63 or 66) or a shards count that divides 64 (e.g. 2, 4)",
            error.Message);
    }

    [Fact]
    public void Both_epochs_and_steps_is_an_error_naming_both()
    {
        var job = JobJson.Mnist();
        job["training"]!["steps"] = 1000;

        var error = JobJson.SingleError(job, "training");

        Assert.Equal("both \"epochs\" (5) and \"steps\" (1000) are set; keep only one of them", error.Message);
    }

    [Fact]
    public void Neither_epochs_nor_steps_is_an_error()
    {
        var job = JobJson.Mnist();
        job["training"]!.AsObject().Remove("epochs");

        var error = JobJson.SingleError(job, "training");

        Assert.Contains("neither \"epochs\" nor \"steps\"", error.Message);
    }

    [Theory]
    [InlineData("async")]
    [InlineData("ssp:3")]
    public void Asynchronous_modes_are_refused_naming_the_one_supported_mode(string mode)
    {
        var job = JobJson.Mnist();
        job["training"]!["mode"] = mode;

        var error = JobJson.SingleError(job, "training.mode");

        Assert.StartsWith($"training mode '{mode}' is not supported; the only mode is \"sync\" (every step waits for all " +
            "shards, so results are deterministic) — remove \"mode\" or set it to \"sync\"", error.Message);
    }

    [Fact]
    public void Only_the_documented_defaults_are_filled_in()
    {
        var spec = JobJson.ParseValid(JobJson.Csv());

        Assert.Equal(1, spec.Data.Horizon);
        Assert.Equal(0.2, spec.Data.TestFraction);
        Assert.Null(spec.Data.Limit);
        Assert.Equal(BackendNames.Auto, spec.Backend);
        Assert.Empty(spec.Metrics);
        Assert.Equal(new OptimizerSpec { Type = "adam", Lr = 0.005, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8 }, spec.Optimizer);
        Assert.Null(spec.Optimizer.ClipNorm);
        Assert.Null(spec.Optimizer.Schedule);
        Assert.Equal(1, spec.Training.Shards);
        Assert.Equal("sync", spec.Training.Mode);
        Assert.Equal(50, spec.Training.CheckpointEvery);
        Assert.Equal("skip_step", spec.Training.NanPolicy);
        Assert.Null(spec.Training.EvalEvery);
        Assert.False(spec.Model.Layers[0].ReturnSequences);
        Assert.Equal("tanh", spec.Model.Layers[0].Activation);
        Assert.Equal("linear", spec.Model.Layers[1].Activation);
    }

    [Fact]
    public void Every_optional_field_is_read_when_given()
    {
        var job = JobJson.Csv();
        job["data"]!["horizon"] = 3;
        job["data"]!["test_fraction"] = 0.25;
        job["data"]!["limit"] = 500;
        job["model"] = JsonNode.Parse("""
            { "layers": [ { "type": "gru", "units": 32 }, { "type": "dropout", "rate": 0.2 }, { "type": "dense", "units": 3 } ] }
            """);
        job["optimizer"] = JsonNode.Parse("""
            { "type": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": true, "weight_decay": 0.0001, "clip_norm": 1.0,
              "schedule": { "type": "step", "step_size": 100, "gamma": 0.5, "warmup_steps": 10 } }
            """);
        job["training"] = JsonNode.Parse("""
            { "steps": 300, "batch_size": 30, "shards": 3, "mode": "sync", "checkpoint_every": 20, "nan_policy": "fail", "eval_every": 100 }
            """);
        job["backend"] = "ilgpu-cpu";

        var spec = JobJson.ParseValid(job);

        Assert.Equal(new DataSpec
        {
            Kind = "csv", Path = "data/timeseries/co2-concentration.csv", Column = "CO2", Window = 24, Horizon = 3,
            TestFraction = 0.25, Limit = 500,
        }, spec.Data);
        Assert.Equal(new LayerSpec { Type = "dropout", Rate = 0.2 }, spec.Model.Layers[1]);
        Assert.Equal(new OptimizerSpec
        {
            Type = "sgd", Lr = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 0.0001, ClipNorm = 1.0,
            Schedule = new ScheduleSpec { Type = "step", StepSize = 100, Gamma = 0.5, WarmupSteps = 10 },
        }, spec.Optimizer);
        Assert.Equal(new TrainingSpec
        {
            Steps = 300, BatchSize = 30, Shards = 3, Mode = "sync", CheckpointEvery = 20, NanPolicy = "fail", EvalEvery = 100,
        }, spec.Training);
        Assert.Equal("ilgpu-cpu", spec.Backend);
    }

    [Theory]
    [InlineData("window")]
    [InlineData("test_fraction")]
    [InlineData("column")]
    public void Mnist_rows_data_rejects_sequence_settings_it_does_not_use(string key)
    {
        var job = JobJson.Mnist();
        job["data"]![key] = key == "column" ? "x" : 0.5;

        var error = JobJson.SingleError(job, $"data.{key}");

        Assert.StartsWith($"'{key}' does not apply to mnist-rows data", error.Message);
    }

    [Fact]
    public void Csv_data_needs_a_column_and_a_window()
    {
        var job = JobJson.Csv();
        job["data"]!.AsObject().Remove("column");
        job["data"]!.AsObject().Remove("window");

        var errors = JobJson.Errors(job);

        Assert.Equal(["data.column", "data.window"], errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4097)]
    public void Window_must_be_within_1_to_4096(int window)
    {
        var job = JobJson.Text();
        job["data"]!["window"] = window;

        Assert.Equal($"expected an integer in 1..4096, got {window}", JobJson.SingleError(job, "data.window").Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Test_fraction_must_be_strictly_between_0_and_1(double fraction)
    {
        var job = JobJson.Text();
        job["data"]!["test_fraction"] = fraction;

        Assert.StartsWith("expected a number strictly between 0 and 1", JobJson.SingleError(job, "data.test_fraction").Message);
    }

    [Theory]
    [InlineData("lr", 0.0, "expected a number > 0, got 0")]
    [InlineData("lr", -0.1, "expected a number > 0, got -0.1")]
    [InlineData("clip_norm", 0.0, "expected a number > 0, got 0")]
    [InlineData("beta1", 1.0, "expected a number in [0, 1), got 1")]
    public void Optimizer_numbers_out_of_range_say_the_range(string key, double value, string message)
    {
        var job = JobJson.Mnist();
        job["optimizer"]![key] = value;

        Assert.Equal(message, JobJson.SingleError(job, $"optimizer.{key}").Message);
    }

    [Fact]
    public void Nesterov_without_momentum_is_an_error()
    {
        var job = JobJson.Mnist();
        job["optimizer"] = JsonNode.Parse("""{ "type": "sgd", "lr": 0.1, "nesterov": true }""");

        var error = JobJson.SingleError(job, "optimizer.nesterov");

        Assert.Contains("nesterov needs momentum > 0, but momentum defaults to 0", error.Message);
    }

    [Fact]
    public void A_step_schedule_needs_its_step_size_and_gamma()
    {
        var job = JobJson.Mnist();
        job["optimizer"]!["schedule"] = JsonNode.Parse("""{ "type": "step" }""");

        var errors = JobJson.Errors(job);

        Assert.Equal(["optimizer.schedule.step_size", "optimizer.schedule.gamma"], errors.Select(e => e.Field));
    }

    [Fact]
    public void A_cosine_schedule_must_end_below_the_base_rate()
    {
        var job = JobJson.Mnist();
        job["optimizer"]!["schedule"] = JsonNode.Parse("""{ "type": "cosine", "min_lr": 0.01 }""");

        var error = JobJson.SingleError(job, "optimizer.schedule.min_lr");

        Assert.StartsWith("min_lr 0.01 is not below optimizer.lr 0.001", error.Message);
    }

    [Fact]
    public void A_step_size_on_a_cosine_schedule_does_not_apply()
    {
        var job = JobJson.Mnist();
        job["optimizer"]!["schedule"] = JsonNode.Parse("""{ "type": "cosine", "min_lr": 0, "step_size": 5 }""");

        var error = JobJson.SingleError(job, "optimizer.schedule.step_size");

        Assert.Equal("'step_size' does not apply to a cosine schedule; remove it", error.Message);
    }

    [Theory]
    [InlineData("seq mnist")]
    [InlineData("a/b")]
    public void Names_are_limited_to_a_portable_character_set(string name)
    {
        var job = JobJson.Mnist();
        job["name"] = name;

        var error = JobJson.SingleError(job, "name");

        Assert.Contains("letters, digits, '.', '_' or '-'", error.Message);
    }

    [Fact]
    public void Seed_takes_the_full_unsigned_64_bit_range_and_rejects_negatives()
    {
        var job = JobJson.Mnist();
        job["seed"] = JsonNode.Parse("18446744073709551615");
        Assert.Equal(ulong.MaxValue, JobJson.ParseValid(job).Seed);

        job["seed"] = -1;
        Assert.StartsWith("expected a non-negative integer", JobJson.SingleError(job, "seed").Message);
    }

    [Fact]
    public void An_unknown_or_repeated_metric_is_an_error_at_its_index()
    {
        var job = JobJson.Mnist();
        job["metrics"] = JsonNode.Parse("""["accuracy", "acc", "accuracy"]""");

        var errors = JobJson.Errors(job);

        Assert.Collection(errors,
            e => Assert.Equal(("metrics[1]", "unknown metric 'acc'; use one of accuracy (did you mean 'accuracy'?)"), (e.Field, e.Message)),
            e => Assert.Equal(("metrics[2]", "'accuracy' is listed twice; keep one"), (e.Field, e.Message)));
    }
}
