using Orleans.TestingHost;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;

namespace Rnn.Silo.Tests;

/// <summary>
/// An in-process cluster of <see cref="Silos"/> silos set up by the silo's one hosting extension, with its own
/// temporary runs root (deleted at the end) and settings that detect a killed silo in a few seconds.
/// </summary>
public abstract class ClusterFixture(short silos, Func<string, bool?>? advertiseGpu = null, bool inProcessSteps = false) : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public short Silos => silos;

    public string RunsRoot { get; } = Path.Combine(Path.GetTempPath(), "rnn-silo-tests-" + Guid.NewGuid().ToString("N")[..12]);

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not deployed");

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync() => _cluster = await TestClusters.StartAsync(silos, RunsRoot, advertiseGpu, inProcessSteps);

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        if (Directory.Exists(RunsRoot)) Directory.Delete(RunsRoot, recursive: true);
    }

    /// <summary>Submits <paramref name="json"/> as <paramref name="jobId"/> and polls until the job ends (60 s at most).</summary>
    public Task<JobStatus> RunToEndAsync(string jobId, string json) => TestClusters.RunToEndAsync(Client, jobId, json);
}
