using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Silo.Hosting;
using Rnn.Silo.Configuration;

namespace Rnn.Silo.Tests;

/// <summary>Starts in-process test clusters and drives jobs on them.</summary>
internal static class TestClusters
{
    /// <summary>
    /// A cluster of <paramref name="silos"/> silos on <paramref name="runsRoot"/>. A killed silo is suspected after two
    /// missed 1 s probes and declared dead by one vote, and calls time out after 5 s, so a fault costs seconds.
    /// <paramref name="advertiseGpu"/> gives a silo's RnnTrainingOptions.AdvertiseGpu by its name (null: probe);
    /// <paramref name="inProcessSteps"/> its RnnTrainingOptions.InProcessSteps (local mode's setting).
    /// </summary>
    public static async Task<InProcessTestCluster> StartAsync(short silos, string runsRoot, Func<string, bool?>? advertiseGpu = null,
        bool inProcessSteps = false)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddRnnTraining(o =>
            {
                o.AdvertiseGpu = advertiseGpu?.Invoke(options.SiloName);
                o.ComputeThreads = 2;
                o.RunsRoot = runsRoot;
                o.StepCallDeadline = TimeSpan.FromSeconds(4);
                o.StepCallAttempts = 2;
                o.ResumeScanInterval = TimeSpan.FromSeconds(1);
                o.RollbackRetryDelay = TimeSpan.FromMilliseconds(300);
                o.StallTimeout = TimeSpan.FromSeconds(40);
                o.InProcessSteps = inProcessSteps;
            });
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        });
        builder.ConfigureClient(client =>
        {
            client.AddMemoryStreams(StreamNames.Provider);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Submits <paramref name="json"/> as <paramref name="jobId"/> and waits for the end (60 s at most).</summary>
    public static async Task<JobStatus> RunToEndAsync(IClusterClient client, string jobId, string json)
    {
        var submitted = await TestJobs.SubmitAsync(client.GetGrain<IJobGrain>(jobId), json);
        Assert.True(submitted.Accepted, submitted.Message);
        return await WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Polls the job's status until it ends. A poll may fail or time out while the job grain's silo is being declared
    /// dead; such polls are retried.
    /// </summary>
    public static async Task<JobStatus> WaitForEndAsync(IClusterClient client, string jobId, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        JobStatus? status = null;
        while (true)
        {
            try
            {
                status = await client.GetGrain<IJobGrain>(jobId).GetStatusAsync();
                if (status.IsFinished) return status;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // The grain's silo was just killed: ask again.
            }
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} did not finish in {limit.TotalSeconds} s; at step {status?.Step} of {status?.TotalSteps}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the job has done at least <paramref name="step"/> steps.</summary>
    public static async Task<JobStatus> WaitForStepAsync(IClusterClient client, string jobId, long step)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = await client.GetGrain<IJobGrain>(jobId).GetStatusAsync();
            Assert.False(status.IsFinished, $"job {jobId} ended ({status.State}, {status.FailureReason}) before step {step}");
            if (status.Step >= step) return status;
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} did not reach step {step} in 30 s");
            await Task.Delay(10);
        }
    }
}
