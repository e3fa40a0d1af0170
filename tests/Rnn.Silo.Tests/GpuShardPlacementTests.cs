using Microsoft.Extensions.DependencyInjection;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Silo.Placement;

namespace Rnn.Silo.Tests;

/// <summary>A cuda job's shards go only to silos whose metadata says gpu=true; other jobs' shards spread over all silos.</summary>
public sealed class GpuShardPlacementTests(OneGpuSiloFixture fixture) : IClassFixture<OneGpuSiloFixture>
{
    [Fact]
    public async Task ShardsCalledForACudaJobAreActivatedOnTheGpuSiloOnly()
    {
        var gpuSilo = await WaitForOneGpuSiloAsync();
        var silos = new HashSet<string>();
        for (var k = 0; k < 4; k++)
        {
            RequestContext.Set(GpuShardPlacement.RequestKey, true);
            silos.Add(await fixture.Client.GetGrain<IShardGrain>(GrainKeys.Shard("placed-on-gpu", k)).GetSiloAsync());
            RequestContext.Clear();
        }
        Assert.Equal([gpuSilo], silos);
    }

    [Fact]
    public async Task ShardsOfOtherJobsSpreadOverEverySilo()
    {
        await WaitForOneGpuSiloAsync();
        var silos = new HashSet<string>();
        for (var k = 0; k < 4; k++)
            silos.Add(await fixture.Client.GetGrain<IShardGrain>(GrainKeys.Shard("placed-anywhere", k)).GetSiloAsync());
        Assert.Equal(2, silos.Count);
    }

    [Fact]
    public async Task ACudaJobOnASiloThatClaimsAGpuItLacksFailsSayingSoInsteadOfHanging()
    {
        // The fixture's second silo advertises gpu=true without having a GPU (RnnTrainingOptions.AdvertiseGpu), so the
        // job is accepted and its shard, placed there, cannot create its CUDA backend: the job must fail with that
        // reason at once, well before the fixture's 40 s stall timeout would end it.
        await WaitForOneGpuSiloAsync();
        var json = TestJobs.Co2("claimed-gpu", "cuda", steps: 1);
        var submitted = await TestJobs.SubmitAsync(fixture.Client.GetGrain<IJobGrain>("claimed-gpu"), json);
        Assert.True(submitted.Accepted, submitted.Message);
        var status = await TestClusters.WaitForEndAsync(fixture.Client, "claimed-gpu", TimeSpan.FromSeconds(20));
        Assert.Equal(Contracts.Messages.JobState.Failed, status.State);
        Assert.Contains("cannot run backend 'cuda': backend 'cuda' needs an NVIDIA GPU with a CUDA driver", status.FailureReason, StringComparison.Ordinal);
    }

    /// <summary>
    /// The address of the one silo that advertises a GPU, once both silos' metadata caches hold both silos (they fetch
    /// a joining silo's metadata a little after it joins).
    /// </summary>
    private async Task<string> WaitForOneGpuSiloAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var views = fixture.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<GpuSilos>())
                .Select(g => fixture.Cluster.Silos.Where(s => g.HasGpu(s.SiloAddress)).Select(s => s.SiloAddress.ToString()).ToArray())
                .ToArray();
            if (views.All(v => v.Length == 1) && views.Select(v => v[0]).Distinct().Count() == 1) return views[0][0];
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the silos' views of gpu=true never agreed on one silo: {string.Join(" | ", views.Select(v => string.Join(",", v)))}");
            await Task.Delay(100);
        }
    }
}
