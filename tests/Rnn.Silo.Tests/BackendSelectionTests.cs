using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Training.Safetensors;
using Rnn.Silo.Placement;
using Rnn.Training.Runs;

namespace Rnn.Silo.Tests;

/// <summary>Which backend a job's shards run: resolved at submission from the job's "backend" and the silos' gpu metadata.</summary>
public sealed class BackendSelectionTests(SingleSiloFixture fixture) : IClassFixture<SingleSiloFixture>
{
    [Fact]
    public void ASiloWithoutACudaDeviceAdvertisesGpuFalse()
    {
        var silo = fixture.Cluster.Silos[0];
        var metadata = silo.ServiceProvider.GetRequiredService<ISiloMetadataCache>().GetSiloMetadata(silo.SiloAddress);
        Assert.Equal("false", metadata.Metadata[GpuSilos.MetadataKey]);
        Assert.False(silo.ServiceProvider.GetRequiredService<GpuSilos>().HasGpu(silo.SiloAddress));
    }

    [Fact]
    public async Task ACudaJobIsRefusedWhileNoSiloAdvertisesAGpu()
    {
        var json = WithBackend(TestJobs.Mnist(shards: 1, steps: 2), "cuda");
        var result = await TestJobs.SubmitAsync(fixture.Client.GetGrain<IJobGrain>("cuda-without-gpu"), json);
        Assert.False(result.Accepted);
        var error = Assert.Single(result.Errors);
        Assert.Equal("backend", error.Field);
        Assert.Contains("\"cuda\" needs a GPU silo; none of the 1 active silos advertises gpu=true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIlgpuCpuJobWithASumMergedBidirectionalLayerIsRefusedAtSubmission()
    {
        // The GPU kernels join the two directions by concat only; the job must not start and fail on every shard.
        var json = WithBackend(TestJobs.Mnist(shards: 1, steps: 2, name: "ilgpu-bidirectional-sum",
            recurrentOptions: TestJobs.Bidirectional("sum")), "ilgpu-cpu");
        var result = await TestJobs.SubmitAsync(fixture.Client.GetGrain<IJobGrain>("ilgpu-bidirectional-sum"), json);
        Assert.False(result.Accepted);
        var error = Assert.Single(result.Errors);
        Assert.Equal("backend", error.Field);
        Assert.Equal("\"ilgpu-cpu\" does not join a bidirectional layer's two directions by 'sum' (model.layers[0].merge_mode), " +
            "only by concat; use \"cpu\" or \"auto\"", error.Message);
    }

    [Fact]
    public async Task AnIlgpuCpuJobRunsItsShardsOnThatBackendAndEndsCloseToTheAutoJobOnTheCpu()
    {
        // ILGPU's CPU accelerator runs the GPU kernels without a GPU (about 100x slower than the CPU kernels): three
        // steps of an LSTM-8 on windows of 4. Its sums run in another order than the CPU GEMM's, so the parameters
        // agree to float rounding, not bit for bit.
        var cpuJson = TestJobs.Co2("backend-auto", "auto", steps: 3);
        var gpuJson = TestJobs.Co2("backend-ilgpu", "ilgpu-cpu", steps: 3);
        var cpu = await fixture.RunToEndAsync("backend-auto", cpuJson);
        var gpu = await fixture.RunToEndAsync("backend-ilgpu", gpuJson);
        Assert.True(cpu.State == JobState.Completed, cpu.FailureReason);
        Assert.True(gpu.State == JobState.Completed, gpu.FailureReason);

        Assert.Equal("cpu", RunJsonBackend(cpu));
        Assert.Equal("ilgpu-cpu", RunJsonBackend(gpu));
        Assert.Equal("ilgpu-cpu", RunSummary.Read(Path.Combine(gpu.JobFolder!, "summary.json")).Backend);
        Assert.Equal("cpu", RunSummary.Read(Path.Combine(cpu.JobFolder!, "summary.json")).Backend);
        Assert.Equal(TestJobs.TrainerHash(cpuJson), cpu.ParametersSha256);
        // The ILGPU kernels did run: their sums differ from the CPU GEMM's in the last bits.
        Assert.NotEqual(cpu.ParametersSha256, gpu.ParametersSha256);
        var a = SafetensorsFile.Read(Path.Combine(cpu.JobFolder!, "model.safetensors"));
        var b = SafetensorsFile.Read(Path.Combine(gpu.JobFolder!, "model.safetensors"));
        Assert.Equal(a.Tensors.Select(t => t.Name), b.Tensors.Select(t => t.Name));
        foreach (var t in a.Tensors)
        {
            var x = t.ToFloat32();
            var y = b[t.Name].ToFloat32();
            for (var i = 0; i < x.Length; i++) Assert.True(Math.Abs(x[i] - y[i]) < 1e-4f, $"{t.Name}[{i}]: cpu {x[i]}, ilgpu-cpu {y[i]}");
        }
    }

    private static string WithBackend(string json, string backend) =>
        json.Replace("\"seed\": 5,", $"\"seed\": 5, \"backend\": \"{backend}\",", StringComparison.Ordinal);

    private static string RunJsonBackend(JobStatus status)
    {
        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(status.JobFolder!, "run.json")));
        return run.RootElement.GetProperty("backend").GetString()!;
    }
}
