using System.Text.Json;
using Rnn.Tests.Shared;
using Rnn.Training.Data;
using Rnn.Training.Data.Numpy;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;

namespace Rnn.Training.Tests.Jobs;

/// <summary>
/// Bad data reached through a job file: every error names the file, the array or column and the sample or line,
/// and arrives as a message (a <see cref="DataFormatException"/> or a field error), never a stack trace.
/// </summary>
public sealed class SequenceDataErrorTests
{
    private const int N = 8, T = 3, F = 2;

    private static float[] Features()
    {
        var x = new float[N * T * F];
        for (var i = 0; i < x.Length; i++) x[i] = i % 7;
        return x;
    }

    private static string NumpyJob(string folder, int shards = 1, string extra = "") => $$"""
        { "name": "bad-data", "seed": 1,
          "data": { "kind": "numpy", "path": {{JsonSerializer.Serialize(Path.Combine(folder, "x.npy"))}}, "y": "y.npy",
                    "lengths": "lengths.npy", "target": "class", "test_fraction": 0.25 {{extra}} },
          "model": { "layers": [ { "type": "gru", "units": 4 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "adam", "lr": 0.01 },
          "training": { "steps": 2, "batch_size": {{shards}}, "shards": {{shards}} } }
        """;

    private static TemporaryFolder ValidArrays(float[]? x = null, long[]? y = null, long[]? lengths = null)
    {
        var folder = new TemporaryFolder();
        NpyWriter.Write(folder.File("x.npy"), x ?? Features(), N, T, F);
        var labels = y ?? [0, 1, 0, 1, 0, 1, 0, 1];
        NpyWriter.Write(folder.File("y.npy"), labels, labels.Length);
        NpyWriter.Write(folder.File("lengths.npy"), lengths ?? [3L, 1, 2, 3, 3, 2, 1, 3], N);
        return folder;
    }

    private static Exception ResolveError(string json) =>
        Record.Exception(() => JobResolver.Resolve(JobSpecParser.Parse(json, "bad-data.json"), jobFileDirectory: null))!;

    [Fact]
    public void A_valid_numpy_job_resolves_with_the_class_count_filled_in()
    {
        using var folder = ValidArrays();

        var job = JobResolver.Resolve(JobSpecParser.Parse(NumpyJob(folder.Path), "ok.json"), null);

        Assert.Equal(2, job.Layers[^1].Units);
        Assert.Equal((F, 6), (job.InputSize, job.TrainingItems));
    }

    [Fact]
    public void Float_classes_are_refused_naming_the_file_and_the_dtype()
    {
        using var folder = ValidArrays();
        NpyWriter.Write(folder.File("y.npy"), new float[N], N);

        var error = Assert.IsType<DataFormatException>(ResolveError(NumpyJob(folder.Path)));

        Assert.Equal(folder.File("y.npy"), error.FilePath);
        Assert.Contains("y has shape (8,) of float32; ClassPerSequence targets need [N] integer classes", error.Message);
    }

    [Fact]
    public void Arrays_with_different_sample_counts_are_refused_naming_both_counts()
    {
        using var folder = ValidArrays(y: [0, 1, 0, 1, 0]);

        var error = Assert.IsType<DataFormatException>(ResolveError(NumpyJob(folder.Path)));

        Assert.Contains("y has 5 samples (shape (5,)) but x has 8", error.Message);
        Assert.StartsWith(folder.File("y.npy"), error.Message);
    }

    [Fact]
    public void A_length_outside_one_to_T_names_the_sample()
    {
        using var folder = ValidArrays(lengths: [3L, 1, 2, 0, 3, 2, 1, 3]);

        var error = Assert.IsType<DataFormatException>(ResolveError(NumpyJob(folder.Path)));

        Assert.Equal($"{folder.File("lengths.npy")}: lengths, sample 3: length 0 is outside 1..3 (T of x)", error.Message);
    }

    [Fact]
    public void A_NaN_feature_names_the_sample_step_and_feature()
    {
        var x = Features();
        x[(5 * T + 1) * F + 0] = float.NaN;
        using var folder = ValidArrays(x: x);

        var error = Assert.IsType<DataFormatException>(ResolveError(NumpyJob(folder.Path)));

        Assert.Contains("x, sample 5, step 1, feature 0: NaN is not a finite number", error.Message);
        Assert.Equal(folder.File("x.npy"), error.FilePath);
    }

    [Fact]
    public void A_test_class_that_training_never_saw_names_the_sample()
    {
        // The last two samples test (file order); class 2 occurs only there.
        using var folder = ValidArrays(y: [0, 1, 0, 1, 0, 1, 2, 1]);

        var error = Assert.IsType<DataFormatException>(ResolveError(NumpyJob(folder.Path)));

        Assert.Contains("sample 6: class 2 of the test split never occurs in the training split", error.Message);
    }

    [Fact]
    public void More_shards_than_training_sequences_is_a_field_error_on_shards()
    {
        using var folder = ValidArrays();

        var error = Assert.IsType<JobValidationException>(ResolveError(NumpyJob(folder.Path, shards: 8)));

        var field = Assert.Single(error.Errors);
        Assert.Equal("training.shards", field.Field);
        Assert.Contains("the training split has 6 sequence(s), fewer than the 8 shards", field.Message);
    }

    [Fact]
    public void A_table_cell_that_is_not_a_finite_number_names_the_column_and_line()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("steps.csv", "session,t,speed,label\na,0,1.5,walk\na,1,inf,walk\nb,0,2.0,run\nb,1,2.5,run\nc,0,1.0,walk\n");
        var json = $$"""
            { "name": "table", "seed": 1,
              "data": { "kind": "table", "path": {{JsonSerializer.Serialize(path)}}, "sequence": "session", "order": "t",
                        "features": ["speed"], "target_column": "label", "target": "class", "test_fraction": 0.3 },
              "model": { "layers": [ { "type": "gru", "units": 4 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
              "loss": "sparse_categorical_crossentropy",
              "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": 2, "batch_size": 1 } }
            """;

        var error = Assert.IsType<DataFormatException>(ResolveError(json));

        Assert.Contains("column 'speed'", error.Message);
        Assert.Contains("line 3", error.Message);
        Assert.StartsWith(path, error.Message);
    }
}
