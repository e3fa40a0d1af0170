using Rnn.Training.Jobs;
using Rnn.Kernels.Backends;

namespace Rnn.Training.Tests.Jobs;

public sealed class ExampleJobFilesTests
{
    private static readonly string ExamplesFolder = Path.Combine(RepositoryPaths.Root, "examples");

    public static TheoryData<string> ExampleFiles() => new(ExampleFileNames());

    private static string[] ExampleFileNames() =>
        Directory.GetFiles(ExamplesFolder, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_example_job_file_parses_and_its_data_is_found_from_the_examples_folder(string fileName)
    {
        var spec = JobSpecParser.Load(Path.Combine(ExamplesFolder, fileName));

        Assert.Equal(Path.GetFileNameWithoutExtension(fileName), spec.Name);
        var dataPath = spec.ResolveDataPath(ExamplesFolder);
        Assert.True(File.Exists(dataPath) || Directory.Exists(dataPath), dataPath);
    }

    [Fact]
    public void The_examples_folder_holds_the_eight_documented_jobs()
    {
        var names = ExampleFileNames();

        Assert.Equal(
            ["co2-forecast.json", "moby-dick-charlm.json", "seattle-weather.json", "seq-mnist-bilstm.json", "seq-mnist-gru.json",
             "seq-mnist-lstm.json", "seq-mnist-lstm1.json", "words-language.json"],
            names);
    }

    [Fact]
    public void Seq_mnist_lstm_is_the_design_documents_model()
    {
        var spec = JobSpecParser.Load(Path.Combine(ExamplesFolder, "seq-mnist-lstm.json"));

        Assert.Equal(7UL, spec.Seed);
        Assert.Equal(new DataSpec { Kind = DataKinds.MnistRows, Path = "data/mnist" }, spec.Data);
        Assert.Collection(spec.Model.Layers,
            l => Assert.Equal(new LayerSpec { Type = "lstm", Units = 128, ReturnSequences = true, Activation = "tanh" }, l),
            l => Assert.Equal(new LayerSpec { Type = "lstm", Units = 64, ReturnSequences = false, Activation = "tanh" }, l),
            l => Assert.Equal(new LayerSpec { Type = "dense", Units = 10, Activation = "softmax" }, l));
        Assert.Equal(LossNames.SparseCategoricalCrossentropy, spec.Loss);
        Assert.Equal(["accuracy"], spec.Metrics);
        // The design document's model with a learning rate tuned to reach 96% in a few minutes (docs/cli.md).
        Assert.Equal(new OptimizerSpec { Type = "adam", Lr = 0.003, ClipNorm = 5.0, Schedule = new ScheduleSpec { Type = "cosine", MinLr = 0.0001 } }, spec.Optimizer);
        Assert.Equal(new TrainingSpec { Epochs = 8, BatchSize = 64, Shards = 4, Mode = "sync", CheckpointEvery = 50 }, spec.Training);
        Assert.Equal(BackendNames.Auto, spec.Backend);
    }

    [Fact]
    public void Moby_dick_charlm_has_a_vocabulary_sized_head_that_is_filled_in_once_the_text_is_read()
    {
        var spec = JobSpecParser.Load(Path.Combine(ExamplesFolder, "moby-dick-charlm.json"));

        var head = spec.Model.Layers[^1];
        Assert.True(head.UnitsFromVocabulary);
        Assert.Null(head.Units);
        Assert.Equal(2000, spec.Training.Steps);
        Assert.Null(spec.Training.Epochs);
        Assert.Equal(64, spec.Data.Window);
        Assert.Equal(DataSpec.DefaultTextTestFraction, spec.Data.TestFraction);

        var resolved = spec.WithVocabularySize(83);
        Assert.Equal(83, resolved.Model.Layers[^1].Units);
        Assert.Equal(64, resolved.Model.Layers[0].Units); // the embedding's own width is untouched
    }

    [Fact]
    public void Co2_forecast_is_a_normalised_series_regression_with_a_one_value_head()
    {
        var spec = JobSpecParser.Load(Path.Combine(ExamplesFolder, "co2-forecast.json"));

        Assert.Equal(DataKinds.Series, spec.Data.Kind);
        Assert.Equal(["CO2"], spec.Data.FeatureColumns);
        Assert.Equal(["CO2"], spec.Data.TargetColumns);
        Assert.Equal(DataTargets.Values, spec.Data.Target);
        Assert.Equal(DataNormalizations.Standard, spec.Data.Normalize);
        Assert.Equal(24, spec.Data.Window);
        Assert.Equal(1, spec.Data.Horizon);
        Assert.Equal(DataSpec.DefaultCsvTestFraction, spec.Data.TestFraction);
        Assert.Equal(LossNames.Mse, spec.Loss);
        Assert.Empty(spec.Metrics);
        Assert.Equal(1, spec.Model.Layers[^1].Units);
        Assert.Equal(0.005, spec.Optimizer.Lr);
        Assert.Equal(30, spec.Training.Epochs);
    }

    [Fact]
    public void Words_language_reads_characters_of_a_column_into_a_class_sized_head()
    {
        var spec = JobSpecParser.Load(Path.Combine(ExamplesFolder, "words-language.json"));

        Assert.Equal(DataKinds.TextColumn, spec.Data.Kind);
        Assert.Equal("word", spec.Data.TextColumn);
        Assert.Equal(["language"], spec.Data.TargetColumns);
        Assert.Equal(0.2, spec.Data.TestFraction);
        Assert.Equal(0.1, spec.Data.ValidationFraction);
        Assert.False(spec.Data.Shuffle);
        Assert.True(spec.Model.Layers[^1].UnitsFromClasses);
        Assert.Equal([LayerTypes.Embedding, LayerTypes.Gru, LayerTypes.Dense], spec.Model.Layers.Select(l => l.Type));
        Assert.Equal(10, spec.Training.Epochs);
        Assert.Equal(64, spec.Training.BatchSize);
        Assert.Equal(0.003, spec.Optimizer.Lr);
        // Cosine decay from 3e-3 to 0 over the run, chosen on the validation split (docs/benchmarks.md).
        Assert.Equal(new ScheduleSpec { Type = ScheduleTypes.Cosine, MinLr = 0 }, spec.Optimizer.Schedule);
    }
}
