using System.Text.Json.Nodes;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;

namespace Rnn.Training.Tests.Jobs;

/// <summary>training.early_stopping and the fixed kinds' data.validation_fraction: read, defaulted, refused by field.</summary>
public sealed class EarlyStoppingSectionTests
{
    private static JsonObject MnistWithValidation(JsonObject? stopping)
    {
        var job = JobJson.Mnist();
        job["data"]!["validation_fraction"] = 0.1;
        if (stopping is not null) job["training"]!["early_stopping"] = stopping;
        return job;
    }

    [Fact]
    public void A_full_section_is_read_and_monitor_defaults_to_val_loss()
    {
        var spec = JobJson.ParseValid(MnistWithValidation(new JsonObject { ["patience"] = 3 }));
        Assert.Equal(new EarlyStoppingSpec { Monitor = "val_loss", Patience = 3, MinDelta = 0 }, spec.Training.EarlyStopping);
        Assert.Equal(0.1, spec.Data.ValidationFraction);

        spec = JobJson.ParseValid(MnistWithValidation(new JsonObject { ["monitor"] = "val_accuracy", ["patience"] = 2, ["min_delta"] = 0.01 }));
        Assert.Equal(new EarlyStoppingSpec { Monitor = "val_accuracy", Patience = 2, MinDelta = 0.01 }, spec.Training.EarlyStopping);
    }

    [Theory]
    [InlineData("monitor", "val_los", "training.early_stopping.monitor", "unknown monitor 'val_los'")]
    [InlineData("monitor", "accuracy", "training.early_stopping.monitor", "test-split metric")]
    [InlineData("monitor", "val_rmse", "training.early_stopping.monitor", "RMSE belongs to regression jobs")]
    [InlineData("monitor", "val_bits_per_char", "training.early_stopping.monitor", "bits per character belong to text data")]
    [InlineData("patience", 0, "training.early_stopping.patience", "")]
    [InlineData("patience", 1.5, "training.early_stopping.patience", "")]
    [InlineData("min_delta", -0.1, "training.early_stopping.min_delta", ">= 0")]
    [InlineData("restore_best", true, "training.early_stopping.restore_best", "unknown key 'restore_best'")]
    public void Every_bad_field_is_refused_by_name(string key, object value, string field, string part)
    {
        var stopping = new JsonObject { ["patience"] = 2 };
        stopping[key] = JsonValue.Create(value);
        var error = JobJson.SingleError(MnistWithValidation(stopping), field);
        Assert.Contains(part, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Patience_is_required_and_the_section_must_be_an_object()
    {
        Assert.Contains("required", JobJson.SingleError(MnistWithValidation(new JsonObject()), "training.early_stopping.patience").Message,
            StringComparison.Ordinal);
        var job = MnistWithValidation(null);
        job["training"]!["early_stopping"] = 3;
        JobJson.SingleError(job, "training.early_stopping");
    }

    [Fact]
    public void Early_stopping_without_a_validation_split_is_refused_naming_the_fix()
    {
        var job = JobJson.Mnist();
        job["training"]!["early_stopping"] = new JsonObject { ["patience"] = 2 };
        var error = JobJson.SingleError(job, "training.early_stopping");
        Assert.Contains("validation_fraction", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accuracy_cannot_be_monitored_on_a_regression_job()
    {
        var job = JobJson.Csv();
        job["data"]!["validation_fraction"] = 0.1;
        job["training"]!["early_stopping"] = new JsonObject { ["monitor"] = "val_accuracy", ["patience"] = 2 };
        Assert.Contains("regression loss", JobJson.SingleError(job, "training.early_stopping.monitor").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.2)]
    public void A_bad_validation_fraction_of_a_fixed_kind_is_refused_by_name(double fraction)
    {
        var job = JobJson.Mnist();
        job["data"]!["validation_fraction"] = fraction;
        JobJson.SingleError(job, "data.validation_fraction");
    }

    [Fact]
    public void Test_and_validation_fractions_of_text_must_leave_training_data()
    {
        var job = JobJson.Text();
        job["data"]!["test_fraction"] = 0.5;
        job["data"]!["validation_fraction"] = 0.5;
        Assert.Contains("leave nothing to train on", JobJson.SingleError(job, "data.validation_fraction").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_without_validation_or_early_stopping_keeps_its_canonical_form()
    {
        var job = JobResolver.Resolve(JobJson.ParseValid(JobJson.Csv()), RepositoryPaths.Root);
        var canonical = ResolvedJobFile.Serialize(job);
        Assert.DoesNotContain("EarlyStopping", canonical, StringComparison.Ordinal);
        Assert.DoesNotContain("ValidationFraction", canonical, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mnist", 0.25, 192)]
    [InlineData("csv", 0.1, 0)]
    [InlineData("text", 0.05, 0)]
    public void Validation_splits_of_the_fixed_kinds_are_held_out_of_training(string kind, double fraction, int expectedTraining)
    {
        var job = kind switch { "mnist" => JobJson.Mnist(), "csv" => JobJson.Csv(), _ => JobJson.Text() };
        if (kind == "mnist") job["data"]!["limit"] = 256;
        var without = JobResolver.Resolve(JobJson.ParseValid(job), RepositoryPaths.Root);
        job["data"]!["validation_fraction"] = fraction;
        var with = JobResolver.Resolve(JobJson.ParseValid(job), RepositoryPaths.Root);
        if (expectedTraining > 0) Assert.Equal(expectedTraining, with.TrainingItems);
        Assert.True(with.TrainingItems < without.TrainingItems, $"{with.TrainingItems} vs {without.TrainingItems}");
        var setup = Rnn.Training.Steps.TrainingSetup.Load(with);
        Assert.True(setup.HasValidation);
    }
}
