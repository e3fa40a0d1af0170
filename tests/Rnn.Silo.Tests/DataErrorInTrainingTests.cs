using System.Text.Json;
using Rnn.Contracts.Messages;
using Rnn.Silo.Jobs;
using Rnn.Silo.Placement;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;

namespace Rnn.Silo.Tests;

/// <summary>
/// A data file that stops reading after the job was accepted (damaged while the cluster was down) fails the job once,
/// naming the field, the file and the fix, in the job grain and in a shard on any silo: never a rollback loop.
/// </summary>
public sealed class DataErrorInTrainingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rnn-data-error-" + Guid.NewGuid().ToString("N")[..12]);

    public DataErrorInTrainingTests() => Directory.CreateDirectory(Path.Combine(_root, "data"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string CsvPath => Path.Combine(_root, "data", "co2.csv");

    private string Job(string name, int steps) => $$"""
        { "name": "{{name}}", "seed": 5,
          "data": { "kind": "csv", "path": {{JsonSerializer.Serialize(CsvPath)}}, "column": "CO2", "window": 4, "horizon": 1 },
          "model": { "layers": [ { "type": "lstm", "units": 8 }, { "type": "dense", "units": 1 } ] },
          "loss": "mse",
          "optimizer": { "type": "adam", "lr": 0.01 },
          "training": { "steps": {{steps}}, "batch_size": 8, "shards": 2, "checkpoint_every": 5 } }
        """;

    /// <summary>Line 100 of the CSV gets a value that is not a number.</summary>
    private void DamageCsv()
    {
        var lines = File.ReadAllLines(CsvPath);
        lines[99] = lines[99].Split(',')[0] + ",n/a," + lines[99].Split(',')[2];
        File.WriteAllLines(CsvPath, lines);
    }

    [Fact]
    public async Task A_data_file_damaged_while_the_cluster_was_down_fails_the_resumed_job_once_naming_file_field_and_fix()
    {
        File.Copy(TestJobs.Co2Path, CsvPath);
        var runs = Path.Combine(_root, "runs");
        var json = Job("damaged", steps: 100_000);
        var first = await TestClusters.StartAsync(2, runs);
        try
        {
            var submitted = await TestJobs.SubmitAsync(first.Client.GetGrain<Contracts.Grains.IJobGrain>("damaged"), json);
            Assert.True(submitted.Accepted, submitted.Message);
            await TestClusters.WaitForStepAsync(first.Client, "damaged", 7);
        }
        finally
        {
            await first.DisposeAsync();
        }
        DamageCsv();

        // Nobody resubmits: the new cluster resumes the folder, meets the damaged file in its load, and fails the job.
        var second = await TestClusters.StartAsync(2, runs);
        try
        {
            var status = await TestClusters.WaitForEndAsync(second.Client, "damaged", TimeSpan.FromSeconds(60));
            Assert.Equal(JobState.Failed, status.State);
            Assert.Equal(0, status.Rollbacks);
            Assert.StartsWith($"data.path: {CsvPath}: line 100", status.FailureReason, StringComparison.Ordinal);
            Assert.Contains("'CO2'", status.FailureReason, StringComparison.Ordinal);
            Assert.Contains("submit the job again", status.FailureReason, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", status.FailureReason, StringComparison.Ordinal);
            Assert.DoesNotContain("rollbacks", status.FailureReason, StringComparison.Ordinal);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_shards_data_error_reaches_its_caller_as_a_job_data_error()
    {
        File.Copy(TestJobs.Co2Path, CsvPath);
        var job = JobResolver.Resolve(JobSpecParser.Parse(Job("shard-side", steps: 4), "test job"), jobFileDirectory: null);
        File.Delete(CsvPath);
        var cluster = await TestClusters.StartAsync(1, Path.Combine(_root, "runs"));
        try
        {
            // The call crosses the client's connection, as a shard's answer crosses silos to its job grain.
            var definition = new JobDefinition("shard-side", "run-1", job) { Generation = 1 };
            var error = await Assert.ThrowsAsync<JobDataException>(() =>
                GpuShardPlacement.Shard(cluster.Client, definition, 0).ComputeStepAsync(new ShardStepRequest(definition, 0)));
            Assert.StartsWith("data.path: ", error.Message, StringComparison.Ordinal);
            Assert.Contains("co2.csv", error.Message, StringComparison.Ordinal);
            Assert.Contains("it was there when the job was submitted", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
