using Rnn.Client.Tests.Support;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Runs;
using Rnn.Training.Steps;
using Rnn.Contracts.Clients;
using Rnn.Silo.Api;
using V1 = Rnn.Contracts.Api.V1;

namespace Rnn.Client.Tests.Remote;

/// <summary>The Orleans implementation of ITrainingClient on the in-process silo: same semantics as the gRPC one.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OrleansTrainingClientTests(ClusterFixture cluster) : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task RunsAJobToTheTrainersParameters()
    {
        var job = RemoteJobs.Mnist("orleans-client", steps: 6);
        await using ITrainingClient client = new OrleansTrainingClient(cluster.ClusterClient, "alpha",
            new OrleansTrainingClientOptions { RunsRoot = cluster.RunsRoot });

        var id = await client.SubmitAsync(job.ToJsonString());
        var steps = new List<long>();
        V1.JobState? final = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in client.WatchAsync(id, 0, timeout.Token))
        {
            if (e.EventCase == V1.JobEvent.EventOneofCase.Step) steps.Add(e.Step.Step);
            if (e.EventCase == V1.JobEvent.EventOneofCase.State) final = e.State.State;
        }

        Assert.Equal(V1.JobState.Completed, final);
        Assert.Equal([0L, 1, 2, 3, 4, 5], steps);
        var summary = (await client.GetAsync(id)).Summary;
        Assert.Equal(RemoteJobs.TrainerHash(job), summary.ParametersSha256);
        Assert.Contains(await client.ListAsync(), j => j.JobId == id);

        var model = _folder.File("model.safetensors");
        await using (var file = File.Create(model)) await client.DownloadAsync(id, RunFiles.Model, file);
        var setup = TrainingSetup.Load(JobSpecParser.Parse(job.ToJsonString(), "job"), null);
        using var compute = new Rnn.Kernels.Compute.CpuCompute(1);
        var layout = setup.CreateModel(compute).Layout;
        Assert.Equal(summary.ParametersSha256, ParameterHash.Sha256(layout, ModelFile.ReadParameters(model, layout)));

        // Another tenant's id is not found, exactly as over gRPC.
        await using var beta = new OrleansTrainingClient(cluster.ClusterClient, "beta", new OrleansTrainingClientOptions { RunsRoot = cluster.RunsRoot });
        var e2 = await Assert.ThrowsAsync<TrainingClientException>(() => beta.GetAsync(id));
        Assert.Equal(TrainingErrorKind.NotFound, e2.Kind);
    }
}
