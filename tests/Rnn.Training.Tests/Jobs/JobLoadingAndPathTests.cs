using Rnn.Training.Jobs;

namespace Rnn.Training.Tests.Jobs;

/// <summary>Reading job files from disk, finding their data, and how errors are reported.</summary>
public sealed class JobLoadingAndPathTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("rnn-jobs-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void Loading_a_missing_job_file_names_the_path()
    {
        var path = Path.Combine(_scratch, "nope.json");

        var ex = Assert.Throws<JobValidationException>(() => JobSpecParser.Load(path));

        Assert.Equal($"{path}: $: job file '{path}' does not exist; check the path", ex.Message);
    }

    [Fact]
    public void Errors_in_a_loaded_file_start_with_its_path()
    {
        var path = Path.Combine(_scratch, "bad.json");
        var job = JobJson.Mnist();
        job["training"]!["epochs"] = "5";
        File.WriteAllText(path, job.ToJsonString());

        var ex = Assert.Throws<JobValidationException>(() => JobSpecParser.Load(path));

        Assert.Equal(path, ex.SourceName);
        Assert.Equal($"{path}: training.epochs: expected a positive integer, got \"5\" (a string)", ex.Message);
    }

    [Fact]
    public void The_exception_message_has_one_line_per_error()
    {
        var job = JobJson.Mnist();
        job["seed"] = -3;
        job["backend"] = "tpu";

        var ex = Assert.Throws<JobValidationException>(() => JobSpecParser.Parse(job.ToJsonString(), "job.json"));

        Assert.Equal(
            ["job.json: seed: expected a non-negative integer (at most 18446744073709551615), got -3",
             "job.json: backend: unknown backend 'tpu'; use one of auto, cpu, ilgpu-cpu, cuda (did you mean 'cpu'?)"],
            ex.Message.Split(Environment.NewLine));
    }

    [Fact]
    public void A_relative_data_path_is_found_from_the_job_files_folder_and_its_parents()
    {
        var root = Directory.CreateDirectory(Path.Combine(_scratch, "repo"));
        var examples = Directory.CreateDirectory(Path.Combine(root.FullName, "examples", "nested"));
        var dataFile = Path.Combine(root.FullName, "data", "series.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(dataFile)!);
        File.WriteAllText(dataFile, "t,v\n1,2\n");
        var spec = JobJson.ParseValid(JobJson.Csv());
        spec = spec with { Data = spec.Data with { Path = Path.Combine("data", "series.csv") } };

        Assert.Equal(dataFile, spec.ResolveDataPath(examples.FullName));
        Assert.Equal(dataFile, spec.ResolveDataPath(root.FullName));
    }

    [Fact]
    public void A_relative_data_path_under_the_current_directory_wins_over_the_job_files_folder()
    {
        // The test host's current directory is shared; a unique name keeps this test from touching anything else.
        var relative = $"rnn-jobs-cwd-{Guid.NewGuid():N}.csv";
        var inCurrentDirectory = Path.GetFullPath(relative);
        File.WriteAllText(inCurrentDirectory, "t,v\n");
        File.WriteAllText(Path.Combine(_scratch, relative), "t,v\n");
        try
        {
            var spec = JobJson.ParseValid(JobJson.Csv());
            spec = spec with { Data = spec.Data with { Path = relative } };

            Assert.Equal(inCurrentDirectory, spec.ResolveDataPath(_scratch));
        }
        finally
        {
            File.Delete(inCurrentDirectory);
        }
    }

    [Fact]
    public void Mnist_rows_data_must_be_a_folder()
    {
        File.WriteAllText(Path.Combine(_scratch, "mnist"), "not a folder");
        Directory.CreateDirectory(Path.Combine(_scratch, "sub", "mnist"));
        var spec = JobJson.ParseValid(JobJson.Mnist());
        spec = spec with { Data = spec.Data with { Path = "mnist" } };

        // The file at _scratch/mnist is skipped; the folder one level down is found from the job's folder.
        Assert.Equal(Path.Combine(_scratch, "sub", "mnist"), spec.ResolveDataPath(Path.Combine(_scratch, "sub")));
    }

    [Fact]
    public void A_data_path_of_the_wrong_kind_says_so_instead_of_not_found()
    {
        var file = Path.Combine(_scratch, "images.csv");
        File.WriteAllText(file, "not a folder");
        var spec = JobJson.ParseValid(JobJson.Mnist());
        spec = spec with { Data = spec.Data with { Path = file } };

        var ex = Assert.Throws<JobValidationException>(() => spec.ResolveDataPath(null));

        Assert.Equal("data.path", ex.Errors.Single().Field);
        Assert.Equal($"mnist-rows data path '{file}' is a file ({file}); mnist-rows data is a folder (train-images-idx3-ubyte, ...): fix data.path",
            ex.Errors.Single().Message);
    }

    [Fact]
    public void Data_that_cannot_be_found_lists_every_place_tried()
    {
        var jobFolder = Directory.CreateDirectory(Path.Combine(_scratch, "a")).FullName;
        var spec = JobJson.ParseValid(JobJson.Csv());
        spec = spec with { Data = spec.Data with { Path = "missing-data-7f3a.csv" } };

        var ex = Assert.Throws<JobValidationException>(() => spec.ResolveDataPath(jobFolder));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("data.path", error.Field);
        Assert.StartsWith("csv data file 'missing-data-7f3a.csv' not found; looked in ", error.Message);
        Assert.Contains(Path.GetFullPath("missing-data-7f3a.csv"), error.Message);
        Assert.Contains(Path.Combine(jobFolder, "missing-data-7f3a.csv"), error.Message);
        Assert.Contains(Path.Combine(_scratch, "missing-data-7f3a.csv"), error.Message);
    }

    [Fact]
    public void An_absolute_data_path_is_used_as_it_is()
    {
        var file = Path.Combine(_scratch, "abs.csv");
        File.WriteAllText(file, "t,v\n");
        var spec = JobJson.ParseValid(JobJson.Csv());
        spec = spec with { Data = spec.Data with { Path = file } };

        Assert.Equal(file, spec.ResolveDataPath(null));
    }
}
