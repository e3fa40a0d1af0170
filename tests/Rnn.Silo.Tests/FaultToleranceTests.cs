using Orleans.TestingHost;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Training.Steps;

namespace Rnn.Silo.Tests;

/// <summary>
/// Silos die mid-run (KillSiloAsync: no graceful shutdown) and the job still ends bit-identical to the fault-free
/// single-process Trainer. Each test deploys its own 3-silo cluster, since a kill leaves the cluster smaller.
/// Placement: shard k and parameter block j live on silo (index mod 3) of the silos ordered by address; the job grain
/// is wherever Orleans put it, so the tests ask the grains where they run.
/// </summary>
public sealed class FaultToleranceTests : IAsyncLifetime
{
    private readonly string _runsRoot = Path.Combine(Path.GetTempPath(), "rnn-fault-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private InProcessTestCluster? _cluster;

    private InProcessTestCluster Cluster => _cluster!;

    public async Task InitializeAsync() => _cluster = await TestClusters.StartAsync(3, _runsRoot);

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        if (Directory.Exists(_runsRoot)) Directory.Delete(_runsRoot, recursive: true);
    }

    [Fact]
    public async Task KillingASiloThatHoldsShardsOfATextJobRollsBackCarriedStateAndEndsLikeTheTrainer()
    {
        // Stream data: the killed shards' carried state is gone, so the job must roll back to its checkpoint.
        var json = TestJobs.Text(shards: 3, steps: 40, name: "kill-shards", checkpointEvery: 5);
        var status = await RunWithKillAsync("kill-shards", json, async (job, psSilo) =>
        {
            var shardSilos = await Task.WhenAll(Enumerable.Range(0, 3).Select(k =>
                Cluster.Client.GetGrain<IShardGrain>(GrainKeys.Shard("kill-shards", k)).GetSiloAsync()));
            var jobSilo = await job.GetSiloAsync();
            // Prefer a silo with shards only, so that this test is about shards.
            return shardSilos.FirstOrDefault(s => s != psSilo && s != jobSilo) ?? shardSilos.First(s => s != psSilo);
        });
        Assert.True(status.Rollbacks >= 1, "the job never rolled back, so the kill did not hit it");
    }

    [Fact]
    public async Task KillingASiloThatHoldsNpyPartitionsReadsThemAgainWhereTheShardsReactivateAndEndsLikeTheTrainer()
    {
        var json = TestJobs.Npy(shards: 3, steps: 40, name: "kill-npy", checkpointEvery: 5);
        string? killed = null;
        int[] killedShards = [];
        await RunWithKillAsync("kill-npy", json, async (job, psSilo) =>
        {
            var shardSilos = await Task.WhenAll(Enumerable.Range(0, 3).Select(k =>
                Cluster.Client.GetGrain<IShardGrain>(GrainKeys.Shard("kill-npy", k)).GetSiloAsync()));
            var jobSilo = await job.GetSiloAsync();
            killed = shardSilos.FirstOrDefault(s => s != psSilo && s != jobSilo) ?? shardSilos.First(s => s != jobSilo);
            killedShards = Enumerable.Range(0, 3).Where(k => shardSilos[k] == killed).ToArray();
            return killed;
        });
        // The killed silo's shards re-activated elsewhere and read their own partitions there (only theirs).
        var reads = TestJobs.PartitionReads(Cluster, "kill-npy", json);
        Assert.All(killedShards, k => Assert.Contains(reads, r => r.Read.Shard == k));
    }

    [Fact]
    public async Task KillingTheSiloOfTheParameterServerBlockEndsLikeTheTrainer()
    {
        var json = TestJobs.Mnist(shards: 4, steps: 40, name: "kill-ps", checkpointEvery: 5);
        string? jobSilo = null, killed = null;
        var status = await RunWithKillAsync("kill-ps", json, async (job, psSilo) =>
        {
            jobSilo = await job.GetSiloAsync();
            return killed = psSilo;
        });
        // The re-activated block came back empty, which only a rollback repairs (unless the job grain died with it and
        // its count of rollbacks was lost).
        Assert.True(status.Rollbacks >= 1 || jobSilo == killed, "the job never rolled back, so the kill did not hit it");
    }

    [Fact]
    public async Task KillingTheSiloOfTheJobGrainEndsLikeTheTrainer()
    {
        var json = TestJobs.Mnist(shards: 4, steps: 40, name: "kill-job", checkpointEvery: 5);
        string? victim = null;
        await RunWithKillAsync("kill-job", json, async (job, _) => victim = await job.GetSiloAsync());
        Assert.NotEqual(victim, await Cluster.Client.GetGrain<IJobGrain>("kill-job").GetSiloAsync());
    }

    /// <summary>Submits, waits for step 8, kills the silo <paramref name="chooseVictim"/> names, and checks the end.</summary>
    private async Task<JobStatus> RunWithKillAsync(string jobId, string json, Func<IJobGrain, string, Task<string>> chooseVictim)
    {
        var client = Cluster.Client;
        var job = client.GetGrain<IJobGrain>(jobId);
        var submitted = await TestJobs.SubmitAsync(job, json);
        Assert.True(submitted.Accepted, submitted.Message);
        var before = await TestClusters.WaitForStepAsync(client, jobId, 8);
        var psSilo = await client.GetGrain<IParameterServerGrain>(GrainKeys.ParameterServer(jobId, 0)).GetSiloAsync();
        var victim = await chooseVictim(job, psSilo);
        var handle = Cluster.Silos.Single(s => s.SiloAddress.ToString() == victim);
        Assert.True(before.Step < before.TotalSteps);
        await Cluster.KillSiloAsync(handle);

        var status = await TestClusters.WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(60));
        Assert.True(status.State == JobState.Completed, status.FailureReason);
        var expected = TestJobs.TrainerHash(json);
        Assert.Equal(expected, status.ParametersSha256);
        RunFolderAssert.CompletedWithHash(Path.Combine(_runsRoot, jobId), 40, expected);
        return status;
    }
}
