using Rnn.Kernels.Ilgpu.Optimizers;
using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>Device Adam follows AdamOptimizer's float32 operation order: bit-identical on the CPU accelerator.</summary>
[Collection(IlgpuCpuCollection.Name)]
public class IlgpuAdamOptimizerTests(IlgpuCpuFixture fixture)
{
    [Theory]
    [InlineData(0.9f, 0.999f, 0f)]
    [InlineData(0.3f, 0.99f, 0.01f)]
    public void ThreeStepsEqualTheCpuOptimizerBitForBit(float beta1, float beta2, float weightDecay)
    {
        const int length = 37;
        var cpuParameters = Random(length, 1);
        var gpuParameters = (float[])cpuParameters.Clone();
        var cpu = new AdamOptimizer(length, beta1, beta2, 1e-8f, weightDecay);
        using var gpu = new IlgpuAdamOptimizer(fixture.Backend.Device, length, beta1, beta2, 1e-8f, weightDecay);
        for (var step = 0; step < 3; step++)
        {
            var gradients = Random(length, 10 + (ulong)step);
            cpu.Step(cpuParameters, gradients, 0.01f);
            gpu.Step(gpuParameters, gradients, 0.01f);
        }
        Assert.Equal(cpuParameters, gpuParameters);
        Assert.Equal(3, gpu.StepCount);
        var state = gpu.ExportState();
        Assert.Equal(cpu.FirstMoment.ToArray(), state.Buffers[AdamOptimizer.FirstMomentBuffer]);
        Assert.Equal(cpu.SecondMoment.ToArray(), state.Buffers[AdamOptimizer.SecondMomentBuffer]);
    }

    [Fact]
    public void ImportedStateResumesLikeTheCpuOptimizer()
    {
        const int length = 9;
        var cpu = new AdamOptimizer(length);
        var parameters = Random(length, 3);
        cpu.Step(parameters, Random(length, 4), 0.01f);
        using var gpu = new IlgpuAdamOptimizer(fixture.Backend.Device, length);
        gpu.ImportState(cpu.ExportState());
        var gpuParameters = (float[])parameters.Clone();
        var gradients = Random(length, 5);
        cpu.Step(parameters, gradients, 0.01f);
        gpu.Step(gpuParameters, gradients, 0.01f);
        Assert.Equal(parameters, gpuParameters);
    }

    private static float[] Random(int length, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++) values[i] = 2f * random.NextFloat() - 1f;
        return values;
    }
}
