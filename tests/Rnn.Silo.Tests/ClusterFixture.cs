using Orleans.Hosting;
using Orleans.TestingHost;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Silo.Hosting;

namespace Rnn.Silo.Tests;

/// <summary>An in-process cluster of <see cref="Silos"/> silos set up by the silo's one hosting extension.</summary>
public abstract class ClusterFixture(short silos) : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public short Silos => silos;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not deployed");

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) => silo.AddRnnTraining(o => o.ComputeThreads = 2));
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamNames.Provider));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    /// <summary>Submits <paramref name="json"/> as <paramref name="jobId"/> and polls until the job ends (60 s at most).</summary>
    public async Task<JobStatus> RunToEndAsync(string jobId, string json)
    {
        var job = Client.GetGrain<IJobGrain>(jobId);
        var submitted = await job.SubmitAsync(json);
        Assert.True(submitted.Accepted, submitted.Message);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await job.GetStatusAsync();
            if (status.IsFinished) return status;
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} did not finish in 60 s; at step {status.Step} of {status.TotalSteps}");
            await Task.Delay(50);
        }
    }
}
